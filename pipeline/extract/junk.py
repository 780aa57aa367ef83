"""A library of lines that are never article text, whatever markup they come in.

Some furniture carries no telling class name: a push-notification prompt in a plain ``<p>``,
"Advertisement" labels between paragraphs, "Last Updated: 07/27/2016" stamps glued next to the
headline, "Read more:" teasers inside the body. They are recognised by their wording. Every
pattern must match a whole line, so prose that merely mentions a newsletter or cookies stays.
Sources add their own patterns through ``ExtractOptions.junk_patterns`` (matched with
``search``, i.e. anywhere in the line, because a source's config names its own known junk).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*"
# "03/04/2016", "25.04.24", and Czech/Slovak "23. 12. 2024" with a space after each dot.
_NUMERIC_DATE = r"\d{1,4}(?:[/-]|\.\s?)\d{1,2}(?:[/-]|\.\s?)\d{1,4}"
_MONTH_FIRST = r"[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
_DAY_FIRST = r"\d{1,2}(?:st|nd|rd|th)?\.?\s+[a-z]{3,9}\.?,?\s+\d{4}"
_TIME = (
    r"(?:,?\s*(?:at\s+|-\s*|\|\s*)?\d{1,2}(?:[:.]\d{2}){1,2}\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*\(?[a-z]{1,5}\)?)?)?"
)
DATE_TEXT = rf"(?:{_WEEKDAY})?(?:{_NUMERIC_DATE}|{_MONTH_FIRST}|{_DAY_FIRST}){_TIME}"
# "Last Updated: 07/27/2016", "Published 3 March 2024, 10:12 GMT", ". Posted on May 5, 2016".
STAMP_VERBS = (
    r"(?:(?:last\s+)?(?:updated|modified|edited)|(?:first\s+)?published|posted|"
    r"created|(?:zuletzt\s+)?aktualisiert|veröffentlicht|publiziert|erschienen|"
    r"mis à jour|publié|actualizado|publicado|aggiornato|pubblicato)"
)
# First letters of STAMP_VERBS: a look-ahead on them lets the regex engine skip most
# positions of a long text cheaply before trying the alternation.
STAMP_VERB_START = r"(?=[lumefpczav])"
# Words of STAMP_VERBS that announce a revision rather than the first publication.
UPDATE_WORDS = r"updat|modif|edited|aktualisiert|mis à jour|actualizado|aggiornato"
_STAMP_CORE = rf"{STAMP_VERBS}(?:\s+(?:on|at|am|le|el|il))?\s*:?\s*{DATE_TEXT}\.?"
STAMP = rf"[\s.·•|,:;–—-]*{_STAMP_CORE}"

_LINE_PATTERNS = (
    # push-notification and app prompts
    r"get the latest (?:news|updates|headlines).{0,80}(?:browser|inbox|phone|device|app)\W*",
    r"(?:turn on|enable|allow|activate|get|receive) (?:push |browser |desktop |breaking news )?"
    r"(?:notifications|alerts).{0,100}",
    r"download (?:our|the) (?:free )?(?:\w+ )?app.{0,100}",
    r"(?:for|get) the latest (?:news|stories|updates|headlines)\b.{0,150}"
    r"(?:apps?|newsletters?|alerts|notifications|inbox)\b.{0,40}",
    # newsletters, subscriptions, paywall and account prompts
    r"(?:sign up|subscribe|register)(?: now| today| here)? (?:for|to) (?:our|the|a|my)\b.{0,60}"
    r"newsletters?\b.{0,120}",
    r".{0,60}\bnewsletters?\b.{0,40}(?:sign up|subscribe)\b.{0,60}",
    r"(?:subscribe|sign up|log in|sign in|register)(?: now| today| here)?(?: to continue"
    r"(?: reading)?)?\W*",
    r"(?:already a subscriber|to continue reading|continue reading|create (?:a |an )?(?:free )?"
    r"account)\W.{0,120}",
    r"to (?:view|read|see|continue reading) the (?:full|rest of the|whole|complete) "
    r"(?:story|article|text).{0,150}",
    r"we want to hear what you think.{0,200}|submit (?:a|your) letter to the editor.{0,150}",
    r"(?:subscribe|sign up|log in|register)\b.{0,80}\b(?:full (?:story|article)"
    r"|to (?:continue|keep) reading|unlimited access)\b.{0,80}",
    r"if you (?:enjoyed|liked|value|appreciate)(?: reading)? (?:this|our) (?:post|article|story"
    r"|journalism|work)\b.{0,250}",
    r"(?:this|the) (?:post|article|page|story) (?:contains|may contain|includes) (?:affiliate"
    r" links|references to products|sponsored).{0,250}",
    r"alle angaben ohne gewähr\W*",
    # the same prompts in French and German, line by line as templates break them
    r"(?:et |pour )?(?:lire|accéder|continuer|poursuivre)\b.{0,60}?(?:la suite|en illimité"
    r"|gratuitement|abonn\w*|votre compte|articles? (?:de|du|par mois))\b.{0,80}",
    r"(?:déjà abonnée?|abonnez-vous|je m'abonne|créez(?: votre| un)? compte|"
    r"connectez-vous|inscrivez-vous)\b.{0,120}",
    r"(?:lust auf mehr|gefällt (?:dir|ihnen) (?:unser|unsere|dieser|dieses|der) [\w. -]{1,40})"
    r"\?.{0,150}",
    r"(?:jetzt )?(?:weiterlesen mit|abonnieren und|abo abschließen|vorteile sichern)\b.{0,120}",
    # disclaimers that the text is the writer's own view
    r".{0,100}(?:n['’]engagent que (?:leurs|son|ses|l['’]|la responsabilité de leurs?) ?"
    r"auteurs?|gibt die meinung de[rs] (?:autor(?:in|s)?|verfasser(?:in|s)?) wieder"
    r"|(?:views|opinions) expressed (?:here |in this \w+ )?are (?:those|solely those|the "
    r"author's own) of the (?:author|writer)s?|are the (?:author|writer)['’]s own)\b.{0,150}",
    r"(?:this|the) (?:article|story|content) is (?:only )?(?:available|reserved|exclusive)"
    r" (?:to|for) (?:our )?(?:subscribers|members).{0,120}",
    # advertising labels
    r"(?:advertisement|advertising|ad|ads|sponsored(?: content)?|paid (?:post|content)|promoted"
    r"|anzeige|werbung|publicité|publicidad|pubblicità)\W*",
    r"(?:story|article|content|text) continues below(?: (?:this )?(?:advertisement|ad))?\W*",
    r"(?:scroll|continue)(?: down)? to (?:continue|read)\b.{0,60}",
    # share, comment and navigation widgets
    r"(?:share|tweet|email|e-mail|print|save|copy link|link copied|copied|facebook|twitter|"
    r"whatsapp|linkedin|reddit|pinterest|flipboard|messenger|telegram|comments?|\d+ comments?|"
    r"leave a (?:comment|reply)|show comments|view comments|load more|back to top|skip to "
    r"(?:main )?content|skip (?:to )?navigation|menu|close|gift (?:this )?article)\W*",
    r"share (?:this|the|on|via|to)\b.{0,60}",
    r"(?:シェア|ポスト|ツイート|ブックマーク|印刷|保存|コメント|공유|스크랩|인쇄|댓글|分享|收藏)\W*",
    r"follow (?:us|[\w'’. ]{1,40}) on (?:twitter|x|facebook|instagram|linkedin|tiktok|youtube"
    r"|threads|bluesky|mastodon|whatsapp|telegram)\b.{0,200}",
    r"(?:click|tap) here (?:to|for)\b.{0,150}",
    # expand/collapse controls of boxes and galleries: "Personen-Box aufklappen ... zuklappen"
    r"(?:[\w-]{1,30}\s+)?(?:auf|zu|aus|ein)klappen(?:\s+[\w-]{1,30}\s+(?:auf|zu|aus|ein)klappen)?"
    r"\W*|(?:show|see) (?:more|less)\W*|(?:mehr|weniger) anzeigen\W*|(?:expand|collapse)\W*",
    # placeholders of embedded content that loads only after consent
    r"(?:ein klick für den datenschutz|(?:empfohlener )?externer inhalt|contenu externe"
    r"|external content|(?:um|zum) (?:den |diesen )?(?:externen? )?inhalte? (?:anzuzeigen|zu "
    r"laden|sehen))\b.{0,200}",
    # prompts to follow the outlet on a messenger or network, in several languages
    r".{0,160}\b(?:join us|follow us|folgst du|folge uns|folgen sie uns|abonniere|rejoignez-nous"
    r"|suivez-nous)\b.{0,60}\b(?:whatsapp|telegram|instagram|facebook|twitter|tiktok|youtube"
    r"|threads|bluesky)(?:-kanal|-channel)?\b.{0,200}",
    r"(?:click|tap) to (?:read|view|hide|show|expand|see|load|open|close|enlarge)\b.{0,60}",
    # teasers for other articles
    r"(?:read more|read next|read also|also read|see also|more on this(?: story)?|related"
    r"(?: (?:articles?|stories|coverage|content|reading|links?))?|more from [\w ]{1,40}|watch|"
    r"listen|recommended|trending|most read|popular|lesen sie (?:auch|mehr)|mehr zum thema|"
    r"auch interessant|weiterlesen|(?:à )?lire aussi|à découvrir|lea también|vea también)"
    r"\s*[:|»›>-].{0,200}",
    r"(?:listen to (?:this )?(?:article|story|episode).{0,40}"
    r"|\d+\s*min(?:ute)?s?\.? (?:read|listen)"
    r"|(?:reading|read|listening) time\s*:?\s*\d+\s*min(?:ute)?s?\.?)",
    # cookie notices
    r"(?:we|this (?:web)?site|our (?:web)?site) uses? cookies.{0,300}",
    r"by (?:continuing|using|browsing|clicking).{0,80}\bcookies?\b.{0,200}",
    r"(?:accept|reject|manage)(?: all)? cookies\W*|cookie (?:settings|preferences|policy)\W*",
    # legal lines
    r"(?:copyright\s*(?:©|\(c\))?\s*\d{4}|©|\(c\)\s*\d{4}).{0,150}",
    r".{0,100}all rights reserved\W{0,3}",
    # photo credits and galleries
    r"(?:photo(?:graph)?|image|picture|video|illustration|foto|bild|crédits?)s?"
    r"(?: credits?| photos?)?\s*(?::|by|©)\s*.{0,100}",
    r"credits?\s*:.{0,100}",
    r"(?:quelle|source|fuente)\s*:\s*[^.!?]{1,60}",
    # a caption: any short text that ends with its image credit ("... Bildrechte: MDR/X")
    r".{0,300}?\b(?:bildrechte|rechte|bildquelle|foto|fotos|photo|photos|crédit photo|image credit)"
    r"\s*:\s*[^.!?:]{1,60}",
    # media labels and durations standing alone: "mit Video", "1 min", "01:00 min"
    r"(?:mit|with|avec) (?:video|audio|podcast|bildergalerie|fotos)\W*"
    r"|(?:\d{1,2}:)?\d{1,2}\s*min\.?"
    r"|(?:link (?:des|zum) (?:videos?|audios?|beitrags?)|auf dieser seite|inhalt dieser seite)"
    r"\s*:?",
    # a web address standing alone
    r"(?:https?://|www\.)\S+",
    # a caption's credit after the name shown: "Roman Doe, photo: Archives", "Titelbild: x"
    r"[^.!?]{1,80},\s*(?:photo|foto|bild|image)s?\s*:.{1,100}",
    r"(?:titelbild|beitragsbild|aufmacherbild|symbolbild|bildquelle)\s*:.{0,100}",
    r"[\w.'’ -]{1,60}\s*/\s*(?:getty images|afp|reuters|dpa|epa|imago|keystone|ap photo)"
    r"\b.{0,40}",
    r"(?:©\s*)?(?:afp|ap|reuters|dpa|epa|getty images|imago|keystone|apa|ansa|efe)"
    r"(?:\s*/\s*[\w.'’ -]{1,60})?",
    r"(?:image|photo|slide)?\s*\d+\s*(?:of|/)\s*\d+",
    # date stamps, and dates standing alone (teaser and byline dates)
    STAMP,
    rf"[\s.·•|,:;–—/-]*{DATE_TEXT}[\s.·•|,:;–—/-]*"
    rf"(?:\(?\s*{STAMP_VERBS}\b[^)]{{0,40}}\)?)?",
    rf"date\s*:?\s*{DATE_TEXT}",
    # relative stamps standing alone: teaser rivers put one under every blurb
    r"(?:updated |published |posted )?(?:\d+|an?|one)\s*(?:seconds?|secs?|minutes?|mins?|hours?"
    r"|hrs?|h|days?|d|weeks?)\s+ago\W*(?:\d{1,2}:\d{2})?",
    r"(?:vor|il y a|hace)\s+(?:\d+|einer?|une?)\s+(?:sekunden?|minuten?|stunden?|tag(?:en)?"
    r"|secondes?|minutes?|heures?|jours?|segundos?|minutos?|horas?|días?)\W*",
    r"(?:permalink|permalien|short ?link|link|url)\s*:?\s*https?://\S+",
    # a video or audio teaser's caption, ending with its date and duration ("... 18.04.2024 |
    # 0:21 min"): the story's own text never closes on a running time
    rf".{{0,300}}?{_NUMERIC_DATE}\s*[|·•,]\s*(?:\d{{1,2}}:)?\d{{1,2}}:\d{{2}}\s*min\.?",
    # Japanese paywall prompts ("all articles unlimited", "paid members ... free")
    r".{0,40}(?:読み放題|有料会員|会員登録|ログインして).{0,60}",
    # a caption that ends with its copyright credit: "The school head ... © Volksschule X"
    r".{0,300}?\s©\s*[^.!?©]{1,60}",
    # "read more" link labels and paywall counters in Polish and Czech
    r"(?:czytaj|przeczytaj) (?:więcej|też|także|również|dalej)\b.{0,40}"
    r"|pozostało (?:jeszcze )?\d{1,3}\s?% artykułu\W*|(?:čtěte|přečtěte si) (?:také|více)\W*",
    # counters and page numbers standing alone
    r"[\d\s./|–-]{1,7}",
)
_LINE = re.compile("|".join(f"(?:{p})" for p in _LINE_PATTERNS), re.IGNORECASE)
# No pattern matches a line longer than this; longer lines skip the expensive match.
_MAX_JUNK_LINE = 420
_STAMP_START = re.compile(rf"^{STAMP}\s*", re.IGNORECASE)
_STAMP_END = re.compile(rf"\s*(?:[|·•–—-]\s*)?{_STAMP_CORE}\s*$", re.IGNORECASE)
_STAMP_VERB = re.compile(STAMP_VERB_START + STAMP_VERBS, re.IGNORECASE)
# A stamp at the edge of a text starts (or ends) within this many characters of it.
_STAMP_EDGE = 100
# Headings of teaser lists, comment threads and promotions (the whole heading must match).
# What may follow "Related", "Recommended", "Most read"... in a teaser-list heading.
_LISTED = (
    r"(?: (?:articles?|stories|story|content|coverage|reading|links?|news|posts?|videos?"
    r"|topics?|items?|now|today|for you|this week|on \w+(?: \w+)?))?"
)
_RECIRCULATION_HEADING = re.compile(
    r"(?:(?:more|also|latest|other|top) (?:from|on|in|about|stories|news|articles|videos)\b.{0,40}"
    rf"|related{_LISTED}|read (?:more|next|also)|recommended{_LISTED}|see also"
    r"|you (?:may|might|will) (?:also )?(?:like|love|enjoy|be interested in)|(?:we )?recommend"
    rf"|most (?:read|popular|viewed|shared|commented){_LISTED}|trending{_LISTED}"
    rf"|popular{_LISTED}|top stories|editor'?s'? picks|what to read next|further reading"
    r"|in other news|don'?t miss(?: \w+){0,2}|around the (?:web|site)|from our partners"
    r"|sponsored(?: \w+){0,2}|partner content|comments?(?: \(?\d+\)?)?|\d+ comments?"
    r"|join the (?:conversation|discussion)|current issue|keep reading|up next|watch next"
    r"|explore (?:more|further)\b.{0,40}|more on (?:these|this) topics?"
    r"|(?:sign up for |get )?(?:our|the) \w+ newsletters?|share (?:this|the) \w+"
    r"|(?:reader|user)s?'? comments?|leave a (?:comment|reply)"
    # the writer's bio box after the story
    r"|about the authors?|(?:über|zum|zur) (?:den |die )?(?:autor|autorin|person)"
    r"|(?:à )?propos de l['’]auteur|sobre el autor"
    # German, French and Spanish equivalents
    r"|mehr (?:zum thema|aus|von|zu)\b.{0,40}|auch interessant"
    r"|das könnte sie (?:auch )?interessieren"
    r"|(?:meist-?|am meisten )(?:gelesen|kommentiert|diskutiert)e?\w*(?: \w+)?|neueste artikel"
    r"|weitere (?:artikel|beiträge|nachrichten|themen)\b.{0,30}|lesen sie (?:auch|mehr)|weiterlesen"
    r"|schon gelesen\??|top-?themen\b.{0,30}|(?:leser)?kommentare?(?: \(?\d+\)?)?"
    r"|(?:so können sie )?kommentieren|themen (?:im|in diesem) artikel"
    r"|(?:à|a) (?:lire|découvrir)(?: aussi| également)?|lire aussi"
    r"|(?:(?:audios? |articles? |vidéos? |et |plus )+)?sur le (?:même )?(?:sujet|thème)"
    r"|(?:les )?plus lus|dans la même rubrique|commentaires?(?: \(?\d+\)?)?"
    r"|noticias relacionadas|lo más (?:leído|visto)|te puede interesar|comentarios"
    # Japanese, Chinese and Korean: "related articles", "read also", "ranking", "most read"
    r"|【?(?:関連[\w・]{0,8}|あわせて読みたい|おすすめ記事|人気記事|アクセスランキング"
    r"|\w{0,8}のアクセスランキング|この記事の特集・連載|この記事の筆者|最新記事|相关新闻|相关阅读"
    r"|热门文章|관련\s?기사|많이 본 뉴스|추천 기사|인기 기사)】?)\W*",
    re.IGNORECASE,
)
_MAX_HEADING = 80
_BYLINE_START = re.compile(r"^(?:by|written by|words by|text by|von|par)\s+(?=\S)", re.IGNORECASE)
_NAME_JOINERS = frozenset(
    {
        "and",
        "&",
        "und",
        "et",
        "y",
        "|",
        "-",
        "–",
        "—",
        "/",
        "in",
        "for",
        "de",
        "van",
        "von",
        "der",
        "da",
        "di",
        "del",
        "le",
        "la",
        "bin",
    }
)


def is_recirculation_heading(text: str) -> bool:
    """True for a heading that introduces links to other content ("More from The Nation")."""
    return len(text) <= _MAX_HEADING and bool(_RECIRCULATION_HEADING.fullmatch(text.strip()))


def is_boilerplate_line(line: str) -> bool:
    """True for a line that is page furniture in any source: a prompt, label or stamp."""
    if len(line) > _MAX_JUNK_LINE:
        return False
    if bool(_LINE.fullmatch(line)) or is_byline(line) or is_stamp_line(line):
        return True
    # A furniture line in brackets is furniture still: "(Credit: X / Y)", "(Alle Angaben
    # ohne Gewähr)".
    stripped = line.strip()
    if len(stripped) > 2 and stripped[0] == "(" and stripped[-1] == ")":
        return bool(_LINE.fullmatch(stripped[1:-1].strip()))
    return False


# A stamp line is short: a sentence that gives a date has other words.
_MAX_STAMP_LINE = 120
# Letter runs and digit runs apart: templates glue them ("20232:26 PM", "readApril").
_STAMP_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_GLUED_WORD = re.compile(r"(?<=[a-zäöüéû])(?=[A-Z])")
_HAS_CLOCK_OR_DATE = re.compile(rf"\d{{1,2}}[:.]\d{{2}}|{DATE_TEXT}", re.IGNORECASE)
# The words of date and time stamps: months, weekdays, clock and zone words, stamp verbs
# and reading-time labels (English, German, French, Spanish, Italian).
_STAMP_WORD_LIST = (
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june"
    " july august september october november december januar februar märz mai juni juli"
    " oktober dezember janvier février mars avril juin juillet août septembre octobre"
    " novembre décembre enero febrero marzo abril mayo junio julio agosto septiembre"
    " octubre noviembre diciembre gennaio febbraio aprile maggio giugno luglio settembre"
    " ottobre dicembre mon tue tues wed thu thur thurs fri sat sun monday tuesday"
    " wednesday thursday friday saturday sunday mo di mi do fr sa so montag dienstag"
    " mittwoch donnerstag freitag samstag sonntag lun mar mer jeu ven sam dim lundi mardi"
    " mercredi jeudi vendredi samedi dimanche am pm a m p uhr h gmt utc cet cest est edt"
    " cst cdt pst pdt bst ist jst kst aest mez mesz updated update last published posted"
    " first modified edited stand aktualisiert veröffentlicht zuletzt um at on le à el"
    " the of de du mis jour publié actualizado publicado aggiornato pubblicato minute"
    " minutes min mins read reading time lesezeit ago hours hour hrs page seite janv févr"
    " avr juil déc today yesterday heute gestern aujourd hui hier hoy ayer oggi ieri dnes"
    " včera dziś wczoraj"
)
_STAMP_WORDS = frozenset(_STAMP_WORD_LIST.split())


def is_stamp_line(line: str) -> bool:
    """True for a short line made only of date, time and stamp words and numbers.

    Headers print the stamp in many shapes the date patterns do not all know: "11:48, Thu,
    Jul 18, 2024 | UPDATED: 11:50, Thu, Jul 18, 2024", "Stand: 08.07.2026 05:00 Uhr",
    "2 minute readApril 25, 2023 2:26 PM GMT+2", "Wed, Oct 16, 2024 page1". A line that has
    a clock time or a date and no other word says when, never what.
    """
    if len(line) > _MAX_STAMP_LINE or not _HAS_CLOCK_OR_DATE.search(line):
        return False
    tokens = _STAMP_TOKEN.findall(_GLUED_WORD.sub(" ", line))
    return bool(tokens) and all(t.isdigit() or t.lower() in _STAMP_WORDS for t in tokens)


def is_byline(line: str) -> bool:
    """True for "By Jane Doe and John Roe, Reuters": author credits belong in metadata."""
    start = _BYLINE_START.match(line)
    if start is None or len(line) > 120 or line.rstrip().endswith((".", "!", "?", ":")):
        return False
    words = line[start.end() :].replace(",", " ").split()
    if not words or not words[0][:1].isupper():
        return False
    return all(w[:1].isupper() or w.lower() in _NAME_JOINERS for w in words)


def strip_stamps(text: str) -> str:
    """Remove a date stamp ("Last Updated: 07/27/2016") glued to the start or end of a text."""
    # A short text is both of its edges: searched once, not twice.
    edges = (text,) if len(text) <= _STAMP_EDGE else (text[:_STAMP_EDGE], text[-_STAMP_EDGE:])
    if not any(_STAMP_VERB.search(edge) for edge in edges):
        return text.strip()
    return _STAMP_END.sub("", _STAMP_START.sub("", text, count=1), count=1).strip()


# What a link tells screen readers, printed after the link text: "(öffnet im neuen Fenster)".
_NEW_WINDOW_NOTE = re.compile(
    r"\s*\((?:öffnet (?:sich )?(?:in|im) (?:einem )?neuen (?:fenster|tab)|opens? in (?:a )?new "
    r"(?:window|tab)|(?:s['’])?ouvre dans (?:un nouvel onglet|une nouvelle fenêtre)"
    r"|se abre en (?:una )?nueva (?:ventana|pestaña))\)",
    re.IGNORECASE,
)


def remove_boilerplate_lines(text: str, extra: Iterable[re.Pattern[str]] = ()) -> str:
    """The text without its furniture lines (global library plus a source's own patterns),
    and without the new-window notes that accessible links print after their text."""
    extra = tuple(extra)
    kept = []
    if "(" in text:
        text = _NEW_WINDOW_NOTE.sub("", text)
    for line in text.split("\n"):
        line = strip_stamps(line)
        if not line or is_boilerplate_line(line):
            continue
        if any(pattern.search(line) for pattern in extra):
            continue
        kept.append(line)
    return "\n".join(kept)
