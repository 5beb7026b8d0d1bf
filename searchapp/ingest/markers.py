"""Named furniture in eight languages (en, de, fr, es, it, pt, nl, pl), as regex pieces.

Each constant is an alternation matched case-insensitively against one whole short block;
clean.py turns them into rules. The phrases are the labels sites print, collected from
pages in each language; a phrase that also opens ordinary sentences ("Related research
found…") is written as a label (a colon or the end of the block after it).
"""

from __future__ import annotations

# The end of a label: a colon, a count, an arrow or the end of the block.
_END = r"\s*(?:[:»›>→|]|\(\d+\)|$)"


def _labels(*phrases: str) -> str:
    return "^(?:" + "|".join(phrases) + ")" + _END


COPYRIGHT = (
    r"(?:©|\(c\)|\bcopyright)\s*(?:©\s*)?\d{4}|^(?:©|copyright ©)|all rights reserved"
    r"|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados"
    r"|tutti i diritti riservati|todos os direitos reservados|alle rechten voorbehouden"
    r"|wszelkie prawa zastrzeżone|riproduzione riservata"
)

CREDIT_LABEL = (
    r"^(?:photo|image|picture|video|graphic)s?(?: credit)?\s*[:|]|^(?:image|photo) credit|^credit:"
    r"|^(?:photo|image|picture)s? (?:by|courtesy)\b"
    r"|\((?:photo|image|picture)s? (?:by|credit|courtesy)\b[^)]*\)\.?$"
    r"|(?:getty images|shutterstock|istock(?:photo)?|alamy|dpa|afp|picture alliance)"
    r"(?: stock photo)?\.?$"
    # de, fr, es, it, pt, nl, pl: "Foto: …", "Bild: …", "Crédit photo : …", "Fot. …"
    r"|^(?:foto|fotos|bild|bilder|quelle|photo|crédit photo|crédits?|fotografía|imagen|"
    r"créditos?|immagine|fotografia|foto's|beeld|zdjęcie|fot\.|źródło)\s*:"
    r"|^fot\.\s|\((?:foto|bild|photo|imagen|fot\.)\s*:?[^)]*\)\.?$"
)

ADVERT = (
    r"^(?:advertisement|sponsored(?: content)?|ad|anzeige|werbung|publicité|publicidad"
    r"|pubblicità|publicidade|advertentie|reklama|partner content)$"
)

# Prompts speak to the reader (imperative, or "you"/"our"); reporting on a newsletter doesn't.
NEWSLETTER = (
    r"^(?:sign up|subscribe|join (?:our|the)|enter your|register|don['’]t miss|never miss)\b"
    r"|\b(?:newsletters?|inbox|sign up|subscribe)\b.*\b(?:you|your|our)\b"
    r"|\b(?:you|your|our)\b.*\b(?:newsletters?|inbox|sign up|subscribe)\b"
    r"|^(?:newsletter abonnieren|jetzt (?:abonnieren|anmelden|registrieren)|abonnieren sie"
    r"|abonnez-vous|inscrivez-vous|suscríbete|suscríbase|iscriviti|abbonati|assine|inscreva-se"
    r"|abonneer|schrijf (?:je|u) in|meld je aan|zapisz się|subskrybuj|zaprenumeruj)\b"
    r"|\bnewsletter\b.*\b(?:ihr|ihre|sie|votre|vous|tu|su|la nostra|sua|je|uw|nasz)\b"
)

COOKIES = (
    r"\bcookies?\b.*\b(?:accept|use|policy|consent|settings|akzeptieren|verwendet|nutzt"
    r"|utilise|utiliza|utilizza|gebruikt|używa|zgod|einwilligung|consentement)"
    r"|\b(?:accept|consent to)\b.*\bcookies?\b|\bdatenschutzerklärung\b"
)

SHARE_WORDS = (
    r"share|tweet|email|print|copy link|comments?|follow us|teilen|drucken|artikel teilen"
    r"|partager|imprimer|compartir|imprimir|condividi|stampa|compartilhar|partilhar|delen"
    r"|deel|udostępnij|drukuj|folgen sie uns|suivez-nous|síguenos|seguici|siga-nos|volg ons"
)
SHARE = (
    rf"^(?:{SHARE_WORDS})\b.{{0,40}}$"
    r"|^click to (?:share|email|print|tweet)|\(opens in (?:a )?new window\)"
    r"|^(?:(?:share|facebook|twitter|whatsapp|pinterest|pint|linkedin|reddit|e-?mail|print"
    r"|telegram|tumblr|messenger|flipboard|pocket|copy link|x|xing|teilen|partager"
    r"|compartir|condividi)\b\W*){2,}"
)

# Labels of lists of other articles: "More on this topic", "Mehr zum Thema", "Czytaj też".
RELATED_PHRASES = (
    r"related(?: (?:articles?|stories|posts?|content|coverage|links|news|reading|topics))?",
    r"more (?:on|about) (?:this|the) (?:topic|story|subject)",
    r"more (?:from|stories|news|in)\b.{0,40}",
    r"(?:you|we think you) (?:may|might|could) (?:also )?(?:like|enjoy|be interested)\b.{0,20}",
    r"recommended(?: for you| stories| articles| reading)?",
    r"(?:read|see|watch) (?:more|next|also)",
    r"most (?:read|popular|viewed|shared|commented)",
    r"(?:also on|around|from) the web|trending(?: now)?|further reading|what to read next",
    r"top stories|latest (?:news|stories|articles)|popular (?:stories|posts|articles)",
    # de
    r"mehr zum thema\b.{0,40}",
    r"das könnte sie (?:auch )?interessieren|lesen sie (?:auch|mehr)|auch interessant",
    r"(?:weitere|verwandte|ähnliche) (?:artikel|beiträge|themen|nachrichten)",
    r"meistgelesen(?:e)?(?: artikel)?|mehr aus\b.{0,40}|empfehlungen|zum thema",
    # fr
    r"(?:à|a) lire (?:aussi|également)|lire (?:aussi|la suite)|sur le même sujet|voir aussi",
    r"articles? (?:similaires|liés|connexes)|vous aimerez (?:aussi|peut-être)",
    r"les plus (?:lus|partagés|commentés)|dans la même rubrique|(?:à|a) voir aussi",
    # es
    r"(?:le|te) puede interesar|también te puede interesar|noticias relacionadas",
    r"artículos relacionados|lo más (?:leído|visto)|más noticias|lee también|ver también",
    r"te recomendamos|contenido relacionado",
    # it
    r"leggi anche|articoli correlati|(?:ti )?potrebbe interessarti|i più letti",
    r"potrebbe interessarti anche|ti potrebbe interessare|notizie correlate|correlati",
    # pt
    r"leia (?:também|mais)|veja também|notícias relacionadas|mais lidas|mais lidos",
    r"você (?:pode|também pode) gostar|saiba mais|conteúdo relacionado|relacionados",
    # nl
    r"lees (?:ook|meer)|gerelateerde (?:artikelen|berichten)|meest gelezen|meer over\b.{0,40}",
    r"bekijk ook|ook interessant|meer nieuws",
    # pl
    r"czytaj (?:też|także|również|więcej)|zobacz (?:też|także|również)|polecamy",
    r"najczęściej (?:czytane|czytany)|podobne artykuły|przeczytaj (?:też|także|również)",
    r"więcej na ten temat|najnowsze",
)
RELATED = _labels(*RELATED_PHRASES)

# Old-style read-more links, which are whole short lines rather than labels.
READ_MORE = (
    r"^(?:read|see|watch|listen)(?: more| also| next| the full)\b|^click here\b"
    r"|^(?:more from|most (?:read|popular))\b|^(?:weiterlesen|mehr lesen|lire la suite"
    r"|leer más|seguir leyendo|continua a leggere|leia mais|continue lendo|lees verder"
    r"|czytaj dalej)\b"
)

# The heading or form that opens readers' comments.
COMMENTS_PHRASES = (
    r"\d*\s*(?:comments?|responses?|replies|reactions)(?: \(\d+\))?",
    r"(?:leave|post|add|write|submit) a (?:reply|comment|response)",
    r"(?:join|start) the (?:discussion|conversation)|discussions?|comments? (?:are )?closed",
    r"(?:show|view|load|see) (?:all )?(?:\d+ )?comments|what do you think\??|have your say",
    r"\d*\s*kommentare?|kommentar (?:schreiben|verfassen)|leserkommentare|diskutieren sie mit",
    r"\d*\s*commentaires?|laisser un commentaire|réagir|\d+ réactions?|ajouter un commentaire",
    r"\d*\s*comentarios?|deja (?:un|tu) comentario|dejar un comentario|escribe un comentario",
    r"\d*\s*commenti|lascia un commento|scrivi un commento",
    r"\d*\s*comentários?|deixe (?:um|seu) comentário|comente",
    r"\d*\s*reacties?|reageer|laat een reactie achter|plaats een reactie",
    r"\d*\s*komentarz[ey]?|dodaj komentarz|skomentuj|komentarze \(\d+\)",
)
COMMENTS = _labels(*COMMENTS_PHRASES)

TAGS = _labels(
    r"tags?|tagged(?: with)?|topics?|filed under|categories|category|keywords",
    r"schlagworte?|stichworte?|themen",
    r"mots[- ]clés?|thèmes|étiquettes",
    r"etiquetas|temas|palabras clave",
    r"argomenti|parole chiave",
    r"tópicos|assuntos|palavras-chave",
    r"onderwerpen|trefwoorden",
    r"tagi|tematy|słowa kluczowe",
)

# "About Michael Brenner": an author box heading is "about" and a person's name, two or
# three capitalised words ((?-i:) keeps the capitals in a pattern matched
# case-insensitively), so "About the study", "About Designer" and "About Freeman's The
# Photographer's Story" stay headings.
_NAME_PART = r"[A-ZÀ-Ý][\w.-]*(?:['’][A-Z][\w-]+)?"
_PERSON = rf"(?-i:{_NAME_PART}(?: {_NAME_PART}){{1,2}})"

AUTHOR_BIO = _labels(
    r"about the authors?|about (?:the|this) (?:writer|contributor)|author bio",
    rf"(?:about|über|à propos de|sobre|acerca de) {_PERSON}",
    r"über (?:den|die) autor(?:in)?|zur person|zum autor|zur autorin",
    r"(?:à|a) propos de l['’]auteur|l['’]auteur",
    r"sobre el autor|sobre la autora|acerca del autor",
    r"(?:l['’])?autore|sull['’]autore|chi è",
    r"sobre o autor|sobre a autora",
    r"over de auteur|over de schrijver",
    r"o autorze|o autorce",
)

# The lines a blog prints under a post: where it was filed ("Posted in News, Cars"), its
# labels, and the links to the posts beside it. They only ever end an article (bounds.py
# counts them when most of the prose is above them), never remove a block by themselves.
# ("Posted by Ann at 11:05 AM" is not one: sites print it above the post as often, and
# with it six pages of one Dragnet site lost their post, 0.865 -> 0.864.)
POST_FOOTER = (
    r"^(?:posted|filed|published) (?:in|under)\b"
    r"|^labels?\s*:?$|^(?:previous|next|older|newer) (?:post|entry)\b"
    r"|^(?:veröffentlicht|abgelegt) (?:in|unter)\b|^(?:publié|classé) dans\b"
    r"|^(?:publicado|archivado) en\b|^(?:pubblicato|archiviato) in\b"
    r"|^(?:publicado|arquivado) em\b|^(?:geplaatst|gepubliceerd) in\b|^opublikowano w\b"
    r"|^(?:vorheriger|nächster) (?:beitrag|artikel)\b|^article (?:précédent|suivant)\b"
    r"|^(?:entrada|artículo) (?:anterior|siguiente)\b|^articolo (?:precedente|successivo)\b"
)

# "By", "Von", "Par", "Por", "Di", "Door", "Przez": the word that opens a byline.
BYLINE_WORDS = r"by|von|par|por|di|door|autor|autorka|texto|text|texte"
