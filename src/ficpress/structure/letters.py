"""Letters, notes, diary entries, e-mails, text messages and chat logs set into the story.

Stories quote written things in a few recognisable shapes, and each shape has
anchors that prose and dialogue almost never produce:

- a letter opens with a salutation alone on its line ("Dear Willow,", "“My
  dear Lizzy,", or "Dear Mr. Holmes:—" running into the first paragraph) and
  closes with a valediction and a signature ("Love,", "“Yours, etc.”",
  "Spike"); a diary entry opens "Dear Diary", or is headed "Entry 12" or by a
  date alone on its line just after the story names a diary;
- a note opens with a bare name or a greeting ("Willow,", "Hi Buffy,") or with
  nothing, and is signed, often with a dash ("Back by five. -B");
- an e-mail or a text carries "From:" / "To:" / "Subject:" header lines, or a
  cue ("Text from Buffy: ...");
- a chat log is a run of lines each opened by a speaker ("Buffy: where r u",
  "<Willow> hi", "[10:42] Xander: ..."), typed short and loose, which is what
  tells it from a play script.

A full salutation without a closing is still a letter when its body is plain
(the quoted paragraphs of a letter read aloud, or one paragraph), at a lower
confidence; a weak opening (a bare name, "Hi ...,") needs a closing. Where the
quotation marks say where a letter read aloud ends (Standard Ebooks opens every
paragraph of a letter with a mark and closes the last), the letter ends there.
Each detection labels its lines, so verse and paragraph grouping leave them
alone, and carries `form`, `lines` and, where the text says, `sender` and
`recipient` (`speakers` for a chat).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ficpress.structure.lines import LazyPattern, Line

OPEN_Q = "\"\u201c\u2018'\u00ab\u201e"
CLOSE_Q = "\"\u201d\u2019'\u00bb"
_EDGE = OPEN_Q + " *_~"

MAX_LINES = 40  # non-blank lines a letter may span between salutation and closing
MAX_CHARS = 20_000
MAX_BODY_LINES = 8  # lines of an e-mail or text body without a blank line after them

_NAME = r"[A-Z][\w.'\u2019\-]*"
# "Dear Willow,", "My dearest Lizzy,", "Dear Sir or Madam:", "Dear Mother\u2060\u2014", "To whom it may concern:".
_SALUTATION = re.compile(
    r"^(?:(?:my\s+)?(?:very\s+)?(?:dear(?:est)?|darling|beloved)\s+(?P<to>[^,:;!?\u2014\u2013\"\u201c\u201d]{1,40}?)"
    r"|(?P<formal>to\s+whom\s+it\s+may\s+concern|gentlemen|dear\s+sirs?(?:\s+or\s+madam)?|sir|madam))"
    r"\s*(?:,|:|!|\.)?\s*[:,]?\u2060?(?:[\u2014\u2013]|--)?$",
    re.IGNORECASE,
)
# The salutation written into the first line of the body: "My Dear Mr. Pip:\u2014I write ...".
_INLINE_SALUTATION = re.compile(
    r"^(?i:my\s+)?(?i:dear(?:est)?)\s+(?P<to>[A-Z][^,:;!?\u2014\u2013\"\u201c\u201d]{0,40}?)"
    r"\s*(?::?\u2060?[\u2014\u2013]|:|\.(?=\s+[A-Z][a-z]*\s+[a-z]))\s*(?=[A-Z\u201c\"])",
)
# Greetings that open notes and e-mails as often as they open speech: accepted only with a closing.
_WEAK_SALUTATION = re.compile(r"^(?:hi|hey|hello|hiya|heya)\s+(?P<to>[A-Z][\w.'\u2019\- ]{0,30}?),$")
_BARE_NAME = re.compile(rf"^(?P<to>{_NAME}(?:\s+{_NAME}){{0,2}}),$")
_NOT_RECIPIENT = re.compile(
    r"^(?:me|oh|god|goddess|gods|lord|jesus|dear|heavens?|no|yes|sir,?\s+i|friend,?\s+i|fellow|chap|boy|girl"
    r"|child|old)$",
    re.IGNORECASE,
)
_DIARY = re.compile(
    r"^(?:dear\s+(?:diary|journal)\b.{0,12}|(?:diary|journal)\s*[,:.!\u2014-]*)$", re.IGNORECASE
)

_VALEDICTION = re.compile(
    r"^(?:(?:i\s+am|i\s+remain|believe\s+me)\b.{0,60}"
    r"|yours\b.{0,40}"
    r"|(?:ever\s+)?your(?:s)?\s+(?:[\w.'\u2019]+\s+){0,4}[\w.'\u2019]+"
    r"|(?:very\s+|most\s+|ever\s+|always\s+)?(?:truly|sincerely|faithfully|cordially|respectfully|affectionately"
    r"|gratefully|lovingly)(?:\s+yours)?"
    r"|(?:all\s+(?:my\s+)?|lots\s+of\s+|much\s+|with\s+(?:all\s+(?:my\s+)?)?)?love(?:\s+(?:always|forever|you))?"
    r"|(?:best|kind|warm|warmest|kindest)\s+(?:regards|wishes)|best|regards|cheers|xoxo|xo|xx+|hugs(?:\s+and\s+kisses)?"
    r"|god\s+bless(?:\s+you)?|in\s+haste|in\s+a\s+tearing\s+hurry|forever|always)"
    r"\s*[,.!]?\s*(?:etc\.?\s*)*[,.]?"
    rf"(?:\s+(?P<sig>{_NAME}(?:\s+{_NAME}){{0,3}}))?[.!]?$",
    re.IGNORECASE,
)
# A signature: one to five capitalised words ("Caroline Bingley.", "Edw. Gardiner.", "-Spike", "\u2014 W.").
_SIGNATURE = re.compile(
    r"^(?P<dash>[-\u2014\u2013~]+\s*)?(?P<sig>(?:[A-Z][\w'\u2019\-]*\.?|[A-Z]\.)"
    r"(?:,?\s+(?:[A-Z][\w'\u2019\-]*\.?|n\u00e9e|de|van|von|la|le|[A-Z]\.)){0,4})[.!]?$"
)
# A dash signature closing the body line of a short note: "Gone to the Magic Box. Back at five. -B"
_TRAILING_SIG = re.compile(
    r"[.!?\u2026]\s*[-\u2014\u2013~]+\s*(?P<sig>[A-Z][\w.'\u2019]{0,15}(?:\s+[A-Z][\w.'\u2019]{0,15})?)$"
)
_DASHES = re.compile(r"[-\u2014\u2013~]")
_PS = LazyPattern(r"^(?:p\.?\s*s\.?|post\s*script)\b", re.IGNORECASE)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# A date as letters and diaries head them: "15th October", "Sept. 6.", "Monday,", "3/4/2003", "1896".
_DATE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}"
    r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b|\b1[5-9]\d\d\b|\b20\d\d\b",
    re.IGNORECASE,
)
# A closing double quote followed by a speech tag or narration: dialogue, not a written text.
_TAG = re.compile(
    r"[\u201d\"][,.!?]?\s+(?:[a-z]|(?:he|she|I|they|we|you)\b)|[,!?][\u201d\"]\s+[A-Z][a-z]+\s+"
    r"(?:said|asked|cried|replied|answered|whispered|shouted)\b"
)

# Header lines of an e-mail or a text message.
_HEADER = re.compile(
    r"^(?P<field>from|to|subject|subj|re|sent|date|cc|bcc|received|time)\s*:\s*(?P<value>.{0,120})$",
    re.IGNORECASE,
)
_SMS_CUE = LazyPattern(
    r"^(?:\(?\d+\)?\s+)?(?:new\s+)?(?:text(?:\s+message)?|sms|message|msg|im|txt)\s+(?:from|to)\s+"
    r"(?P<who>[A-Z][\w.'\u2019\- ]{0,30}?)\s*[:\-]\s*(?P<body>.*)$",
    re.IGNORECASE,
)
# Chat lines: "<Willow> hi", "[10:42] Buffy: where r u", "WiccaGrrl: brb", "Buffy says: hey".
_TIME = r"(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?[\])]?\s*[-:]?\s*)"
_CHAT_NICK = LazyPattern(rf"^{_TIME}?<\s*(?P<who>[^<>\s]{{1,25}})\s*>\s*(?P<msg>\S.*)$", re.IGNORECASE)
_CHAT_COLON = LazyPattern(
    rf"^(?P<time>{_TIME})?(?P<who>[A-Za-z][\w.'\u2019\-]{{0,24}}(?:\s[A-Z][\w.'\u2019\-]{{0,15}})?)"
    r"(?:\s+(?:says|said|writes|wrote))?\s*:\s+(?P<msg>\S.{0,300})$"
)
_TEXTSPEAK = LazyPattern(
    r"\b(?:u|r|ur|ya|y|k|kk|ok|lol|omg|brb|btw|idk|imo|imho|ttyl|thx|ty|np|wtf|gtg|g2g|nvm|jk|rofl|lmao|pls|plz|"
    r"cya|l8r|2nite|gr8|b4|wat|wut|ppl|bc|cuz|tho|rly|srsly|xoxo)\b|[:;]-?[()DPp]|<3|\?\?+|!!+"
)
# Labels that open a line of a header block, a note or a script, never a chat speaker.
_NOT_SPEAKER = LazyPattern(
    r"^(?:a/n|an|note|notes|ps|p\.s|disclaimer|summary|title|author|rating|warning|warnings|pairing|"
    r"chapter|part|scene|setting|answer|question|q|a|yes|no|update|edit|spoilers?|dedication|feedback|"
    r"from|to|subject|re|sent|date|cc|time|place|where|when|pov|ps)$",
    re.IGNORECASE,
)
_CUE = LazyPattern(
    r"\b(?:letter|note|notes|envelope|read|reads|reading|wrote|written|writing|scrawl(?:ed)?|message|text(?:ed)?"
    r"|e-?mail|diary|journal|entry|card|paper|page|sheet|post-?it|fridge|ran\s+as\s+follows|contents)\b",
    re.IGNORECASE,
)

STOP_LABELS = {"heading", "end_marker", "marker", "front_matter", "scene_break"}


@dataclass
class Written:
    """One detected letter or message: the line indices it covers (first to last) and what it says."""

    kind: str  # "letter" | "message"
    first: int
    last: int
    confidence: float
    attrs: dict[str, Any] = field(default_factory=dict)


def _core(s: str) -> str:
    """The line without the quotation marks and ASCII emphasis around it."""
    return s.strip(_EDGE).rstrip(CLOSE_Q + " *_~").strip()


def _opens_quote(s: str) -> bool:
    return s[:1] in OPEN_Q


def _closes_quote(s: str) -> bool:
    t = s.rstrip(" *_~")
    return len(t) > 1 and t[-1] in CLOSE_Q and not (t[-1] == "'" and t[-2:-1].isalpha())


def _salutation(s: str) -> tuple[str, str, float] | None:
    """(form, recipient, strength) for a line that is only a salutation."""
    if len(s) > 70 or _closes_quote(s):
        return None
    c = s.strip(_EDGE)
    if _DIARY.match(c) and len(c) <= 30:
        return "diary", "", 1.0
    m = _SALUTATION.match(c)
    if m:
        to = (m.group("to") or m.group("formal") or "").strip()
        if m.group("to") is not None and (_NOT_RECIPIENT.match(to) or not any(ch.isalpha() for ch in to)):
            return None
        if m.group("to") is not None and len(to.split()) > 6:
            return None
        return "letter", to, 1.0
    m = _WEAK_SALUTATION.match(c)
    if m:
        return "note", m.group("to").strip(), 0.5
    m = _BARE_NAME.match(c)
    if m and not _NOT_SPEAKER.match(m.group("to")) and not _VALEDICTION.match(c) and c.split()[0] != "Your":
        return "note", m.group("to").strip(), 0.3
    return None


def _valediction(s: str) -> tuple[str, bool] | None:
    """(sender named on the same line, strong) for a closing line ("Love, Spike", "Yours truly,")."""
    c = _core(s)
    if not c or len(c) > 60 or len(c.split()) > 9:
        return None
    m = _VALEDICTION.match(c)
    if not m:
        return None
    word = c.split()[0].lower().strip(",.!")
    strong = word not in ("best", "cheers", "forever", "always", "regards", "xo", "hugs")
    return (m.group("sig") or "").strip(), strong


def _signature(s: str) -> tuple[str, bool] | None:
    """(name, dashed) for a line that is only a signature."""
    c = _core(s)
    if not c or len(c) > 40:
        return None
    m = _SIGNATURE.match(c)
    if not m:
        return None
    return m.group("sig").rstrip("."), bool(m.group("dash"))


def _stopper(ln: Line) -> bool:
    return ln.label in STOP_LABELS or ln.label in ("letter", "message", "part")


def _closing_end(lines: list[Line], j: int) -> tuple[int, str]:
    """From a valediction at line `j`: the last line of the closing and the signed name.

    A closing may take several lines ("Believe me, / Your anxious and loving
    cousin, / Charlotte."); the signature is the short name line after them.
    """
    v = _valediction(lines[j].stripped)
    sender = v[0] if v else ""
    last = j
    while not sender:
        k = _next_nonblank(lines, last + 1, 1)
        if k is None or _stopper(lines[k]):
            break
        ks = lines[k].stripped
        more = _valediction(ks)
        if more is not None and k - last <= 1:
            last, sender = k, more[0]
            continue
        sig = _signature(ks)
        if sig is not None:
            last, sender = k, sig[0]
        break
    return last, sender


def _scan_letter(
    lines: list[Line], i: int, form: str, to: str, strength: float, single: bool, inline: bool = False
) -> Written | None:
    """Follow a salutation at line `i` to its closing; None when no letter can be read there.

    `strength` below 1 (a bare "Willow," or "Hi Buffy,") needs a valediction or
    a dash signature to close it; a full salutation ("Dear Willow,") may close
    with a plain signature or, read aloud, with the end of its quotation.
    """
    n = len(lines)
    quoted = _opens_quote(lines[i].stripped)
    body: list[int] = [i] if inline else []  # an inline salutation opens the first body paragraph
    closing: int | None = None
    sender = ""
    blanks = 0
    quote_closed_at: int | None = None  # the body line whose closing mark ends the quotation
    first_group_end: int | None = None  # the last body line before the first blank line inside the body
    j = i + 1
    chars = 0
    while j < n and len(body) < MAX_LINES and chars < MAX_CHARS:
        ln = lines[j]
        if ln.blank:
            blanks += 1
            if body and first_group_end is None:
                first_group_end = body[-1]
            if blanks > 1:
                break
            if single and body:
                # One paragraph a line: a blank line inside a letter only sets off its closing.
                k = _next_nonblank(lines, j + 1, 0)
                ks = lines[k].stripped if k is not None else ""
                if k is None or (_valediction(ks) is None and _signature(ks) is None and not _PS.match(ks)):
                    break
            j += 1
            continue
        s = ln.stripped
        v = _valediction(s) if body or form == "note" else None
        if v is not None and (v[1] or v[0] or _signature_next(lines, j)):
            closing, sender = _closing_end(lines, j)
            break
        if ln.label is not None and ln.label != "note":
            break
        if _salutation(s) is not None or _INLINE_SALUTATION.match(s.lstrip(_EDGE)):
            if strength < 1.0:
                return None  # the real salutation is below: an address or a name line came first
            break
        sig = _signature(s) if body and len(body) <= 12 else None
        if sig is not None and (sig[1] or (strength >= 1.0 and (not quoted or _closes_quote(s)))):
            closing, sender = j, sig[0]
            break
        if ln.label == "note" or _TAG.search(s):
            break
        if quoted and body and not _opens_quote(s):
            break  # the quotation of the letter read aloud has ended
        if quote_closed_at is not None:
            break
        if not quoted and _opens_quote(s) and (_closes_quote(s) or body):
            break  # dialogue after an unquoted salutation or body: the letter is over (or never was)
        # A trailing dash signature closes a note's body line ("Back at five. -B").
        t = _TRAILING_SIG.search(_core(s))
        body.append(j)
        chars += len(s)
        blanks = 0
        if t is not None and len(body) <= 3:
            closing, sender = j, t.group("sig")
            break
        if quoted and _closes_quote(s):
            quote_closed_at = j
        j += 1
    if closing is not None:
        last = closing
        # A postscript right after the signature belongs to the letter.
        k = _next_nonblank(lines, closing + 1, 1)
        if k is not None and _PS.match(_core(lines[k].stripped)) and lines[k].label in (None, "note"):
            last = k
        conf = 0.92 if strength >= 1.0 else 0.8
        if not body and form != "note":
            conf -= 0.2
    else:
        if strength < 1.0 or not body:
            return None
        if quoted and quote_closed_at is not None:
            last, conf = quote_closed_at, 0.75
        elif quoted and all(_opens_quote(lines[k].stripped) for k in body):
            last, conf = body[-1], 0.65  # paragraph after paragraph of the same quotation
        elif form == "diary":
            # Without a closing, an entry runs to the end of its paragraph (blank-line text: its first one).
            last, conf = (first_group_end if first_group_end is not None else body[-1]), 0.7
        else:
            last, conf = body[0], 0.6  # without a closing only the first paragraph is sure
    attrs: dict[str, Any] = {"form": form}
    if to and form != "diary":
        attrs["recipient"] = " ".join(to.split())
    if sender:
        attrs["sender"] = " ".join(sender.split())
    return Written("letter", i, last, conf, attrs)


def _signature_next(lines: list[Line], j: int) -> bool:
    k = _next_nonblank(lines, j + 1, 1)
    return k is not None and _signature(lines[k].stripped) is not None


def _next_nonblank(lines: list[Line], j: int, max_blanks: int) -> int | None:
    blanks = 0
    while j < len(lines):
        if not lines[j].blank:
            return j
        blanks += 1
        if blanks > max_blanks:
            return None
        j += 1
    return None


def _dated_preamble(lines: list[Line], i: int) -> int:
    """Place and date lines right above a salutation ("Gracechurch-street, Sept. 6.") join the letter."""
    first = i
    k = i - 1
    while k >= 0 and i - k <= 3:
        ln = lines[k]
        s = _core(ln.stripped)
        if ln.blank or ln.label is not None or not s or len(s) > 60 or len(s.split()) > 8:
            break
        if _TAG.search(ln.stripped) or s.endswith(("?", "!", ":")) or _valediction(s) or _signature(s):
            break
        if _DATE.search(s) is None and (k == i - 1 or not s.endswith(",")):
            break
        first = k
        k -= 1
    return first if first < i and any(_DATE.search(lines[k].stripped) for k in range(first, i)) else i


def _scan_headers(lines: list[Line], i: int) -> Written | None:
    """An e-mail or a text message opened by "From:" / "To:" / "Subject:" header lines."""
    n = len(lines)
    fields: dict[str, str] = {}
    j = i
    while j < n and j - i < 12 and not lines[j].blank:  # a header block is a few lines: bounded work
        m = _HEADER.match(lines[j].stripped)
        if not m:
            break
        fields.setdefault(m.group("field").lower(), m.group("value").strip())
        j += 1
    if len(fields) < 2 or not ({"from", "to"} & fields.keys()):
        return None
    # The body: the lines after the headers up to a blank-line gap (one blank line may follow the headers).
    body: list[int] = []
    k = _next_nonblank(lines, j, 1)
    while k is not None and lines[k].label is None and not _TAG.search(lines[k].stripped):
        body.append(k)
        if len(body) > MAX_BODY_LINES:
            break
        k = k + 1 if k + 1 < n and not lines[k + 1].blank else None
    if not body:
        return None
    conf = 0.9
    if len(body) > MAX_BODY_LINES:
        # No gap closes the body soon: the story runs on after the message, which is its first line.
        body, conf = body[:1], 0.75
    last = body[-1]
    email = "subject" in fields or "subj" in fields or "@" in fields.get("from", "") + fields.get("to", "")
    attrs: dict[str, Any] = {"form": "email" if email else "sms"}
    if fields.get("from"):
        attrs["sender"] = fields["from"]
    if fields.get("to"):
        attrs["recipient"] = fields["to"]
    return Written("message", i, last, conf, attrs)


def _chat_line(s: str) -> tuple[str, str, bool] | None:
    """(speaker, message, marked) for a chat line; `marked` when a <nick> or a timestamp says so."""
    if len(s) > 320:
        return None
    m = _CHAT_NICK.match(s)
    if m:
        return m.group("who"), m.group("msg"), True
    m = _CHAT_COLON.match(s)
    if m and not _NOT_SPEAKER.match(m.group("who")):
        return m.group("who"), m.group("msg"), bool(m.group("time"))
    return None


def _handle(who: str) -> bool:
    """A screen name rather than a name: digits, inner capitals, underscores ("WiccaGrrl", "slayer_1")."""
    if len(who.split()) > 1:
        return False
    return any(c.isdigit() or c == "_" for c in who) or any(c.isupper() for c in who[1:]) or who.islower()


def _scan_chat(lines: list[Line], i: int, single: bool) -> tuple[Written | None, int]:
    """A chat log: two or more speaker lines in a row, written the way people type, not a play script.

    Returns the log (or None) and the index of the run's last line, so a rejected
    run (a play script of a thousand lines) is read once, not once per line.
    """
    n = len(lines)
    run: list[tuple[int, str, str, bool]] = []
    j = i
    while j < n:
        ln = lines[j]
        if ln.blank:
            if single or j + 1 >= n or lines[j + 1].blank:
                break
            j += 1
            continue
        if ln.label is not None:
            break
        c = _chat_line(ln.stripped)
        if c is None:
            break
        run.append((j, *c))
        j += 1
    end = run[-1][0] if run else i
    if len(run) < 2:
        return None, end
    speakers = {w.lower() for _, w, _, _ in run}
    marked = sum(1 for *_, mk in run if mk)
    msgs = [m for _, _, m, _ in run]
    short = sum(len(m) for m in msgs) / len(msgs) <= 80
    speak = sum(1 for m in msgs if _TEXTSPEAK.search(m) or m[:1].islower()) / len(msgs)
    handles = sum(1 for w in speakers if _handle(w)) / len(speakers)
    if marked >= len(run) / 2:
        conf = 0.9
    elif short and (speak >= 0.5 or handles >= 0.5) and len(speakers) >= 2:
        conf = 0.8
    elif short and speak >= 0.3 and len(speakers) >= 2 and len(run) >= 3:
        conf = 0.65
    else:
        return None, end  # a script or a run of labelled lines in prose
    order = []
    for _, w, _, _ in run:
        if w not in order:
            order.append(w)
    return Written("message", run[0][0], run[-1][0], conf, {"form": "chat", "speakers": order}), end


def _scan_sms(lines: list[Line], i: int) -> Written | None:
    """ "Text from Buffy: where r u" (the message on the cue line or on the next line)."""
    m = _SMS_CUE.match(_core(lines[i].stripped))
    if not m:
        return None
    last = i
    if not m.group("body").strip():
        k = _next_nonblank(lines, i + 1, 0)
        if k is None or lines[k].label is not None or len(lines[k].stripped) > 300:
            return None
        last = k
    attrs: dict[str, Any] = {"form": "sms"}
    who = m.group("who").strip()
    if re.search(r"\bto\b", m.group(0)[: m.start("who")], re.IGNORECASE):
        attrs["recipient"] = who
    else:
        attrs["sender"] = who
    return Written("message", i, last, 0.85, attrs)


def _lone_note(lines: list[Line], i: int) -> Written | None:
    """A one-line note signed with a dash ("Gone patrolling. Don't wait up. -B") right after a mention of it."""
    s = lines[i].stripped
    if len(s) > 300 or _opens_quote(s):
        return None
    t = _TRAILING_SIG.search(_core(s))
    if t is None:
        return None
    k = i - 1
    while k >= 0 and lines[k].blank and i - k <= 2:
        k -= 1
    if k < 0 or not _CUE.search(lines[k].stripped) or lines[k].stripped[-1:] not in ":.":
        return None
    return Written("letter", i, i, 0.7, {"form": "note", "sender": t.group("sig")})


def detect(lines: list[Line], lo: int, single: bool) -> list[Written]:
    """Letters and messages in `lines[lo:]`; their lines are labelled so later steps leave them alone."""
    found: list[Written] = []
    n = len(lines)
    i = lo
    no_chat_until = -1  # the last line of a speaker run already judged not to be a chat
    while i < n:
        ln = lines[i]
        if ln.blank or ln.label is not None:
            i += 1
            continue
        s = ln.stripped
        w: Written | None = None
        sal = _salutation(s)
        if sal is None and len(s) <= 60 and _diary_heading(lines, i):
            sal = ("diary", "", 1.0)
        if sal is not None:
            w = _scan_letter(lines, i, sal[0], sal[1], sal[2], single)
            if w is not None:
                w.first = _dated_preamble(lines, i)
        elif (c := s.lstrip(_EDGE))[:1] in "mMdD" and _INLINE_SALUTATION.match(c):  # "My dear", "Dear"
            w = _scan_inline(lines, i, single)
        elif ":" in s and _HEADER.match(s):
            w = _scan_headers(lines, i)
        # Cheap tests first: most lines hold no colon near their start and end without a dash.
        if w is None and (":" in s[:60] or s[:1] == "<"):
            if i > no_chat_until:
                w, no_chat_until = _scan_chat(lines, i, single)
            w = w or _scan_sms(lines, i)
        if w is None and _DASHES.search(s, max(0, len(s) - 20)):
            w = _lone_note(lines, i)
        if w is None:
            i += 1
            continue
        _label(lines, w)
        found.append(w)
        i = w.last + 1
    return found


# "Entry 12", "Diary entry, March 3rd": an entry heads itself ("Day 3" heads scenes as often, so not that).
_ENTRY = re.compile(r"^(?:(?:diary|journal)\s+)?entry\b[^.!?]{0,40}$", re.IGNORECASE)
_DIARY_CUE = LazyPattern(r"\b(?:diary|diaries|journal)\b", re.IGNORECASE)


def _diary_heading(lines: list[Line], i: int) -> bool:
    """A dated diary entry: "Entry 12", or a date alone on its line where the story has just named a diary."""
    c = _core(lines[i].stripped)
    if _ENTRY.match(c):
        return True
    if len(c.split()) > 6 or not _DATE.search(c) or c.endswith(("?", "!", ":")) or _TAG.search(c):
        return False
    seen = 0
    k = i - 1
    while k >= 0 and seen < 3 and i - k <= 12:
        if not lines[k].blank:
            if _DIARY_CUE.search(lines[k].stripped):
                return True
            seen += 1
        k -= 1
    return False


def _scan_inline(lines: list[Line], i: int, single: bool) -> Written | None:
    """A letter whose salutation opens its first body line: accepted only with a valediction or signature."""
    m = _INLINE_SALUTATION.match(lines[i].stripped.lstrip(_EDGE))
    if m is None or _TAG.search(lines[i].stripped):
        return None
    to = m.group("to").strip()
    if _NOT_RECIPIENT.match(to):
        return None
    w = _scan_letter(lines, i, "letter", to, 1.0, single, inline=True)
    if w is None or "sender" not in w.attrs:
        return None
    # The first line is body too: the letter holds at least one paragraph even when it is all on one line.
    return w


def _label(lines: list[Line], w: Written) -> None:
    spans = [[lines[k].lo, lines[k].hi] for k in range(w.first, w.last + 1) if not lines[k].blank]
    head = lines[w.first]
    head.label, head.confidence = w.kind, round(w.confidence, 3)
    head.attrs = {**w.attrs, "lines": spans, "through": w.last}
    for k in range(w.first + 1, w.last + 1):
        if not lines[k].blank:
            lines[k].label = "part"
