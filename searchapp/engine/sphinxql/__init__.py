"""The SphinxQL engine: the same articles, ranking and pages on a Sphinx 2.2 or Manticore cluster.

config.py    searchd configuration files for N shards and a master (pure text)
cluster.py   addresses, connections, starting and stopping local searchd processes
documents.py an Article as a shard row: doc id, shard, fields and attributes (pure)
matchtext.py a parsed user query as SphinxQL MATCH() text, every word escaped (pure)
writer.py    rebuild into fresh indexes and swap; --incremental replace/delete by id
idf.py       the global IDF file every shard ranks with (indextool)
engine.py    search, facets, snippets, articles, related, completion and did-you-mean
"""
