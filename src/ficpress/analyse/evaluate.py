"""Scoring the people analysis against hand annotations (the sample's fixture, LitBank).

Why in the package: the benchmark and the tests score the same way, and a user
with their own annotated story can score it too.

LitBank (Bamman et al., github dbamman/litbank) is CC BY 4.0: its quotation,
coreference and entity layers are read here from their published files.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from ficpress.model import LineIndex, Work

LITBANK_CREDIT = (
    "LitBank (Bamman, Popat, Shen 2019; Bamman, Lewke, Mansoor 2020; Sims and Bamman 2020), CC BY 4.0"
)


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).lower().replace("\ufffd", "")
    s = re.sub(r"[^a-z0-9 ]", "", s)
    return re.sub(r"\s+", " ", s).strip()


# --------------------------------------------------------------------------- the sample annotation


def character_map(analysis: dict[str, Any], gold_chars: list[dict]) -> dict[str, str]:
    """Our character id -> annotation id, by the best overlap of names and aliases."""
    gold_names: dict[str, set[str]] = {}
    for g in gold_chars:
        names = {_norm(g["name"]), _norm(g["id"])}
        names |= {_norm(a["name"]) for a in g.get("aliases", [])}
        gold_names[g["id"]] = names
    out = {}
    for c in analysis["characters"]:
        ours = [(_norm(c["name"]), max(c["mentions"], 1))]
        ours += [(_norm(a["name"]), a.get("count", 1)) for a in c["aliases"]]
        score: Counter[str] = Counter()
        for n, w in ours:
            for gid, names in gold_names.items():
                if n in names:
                    score[gid] += w
        if score:
            out[c["id"]] = score.most_common(1)[0][0]
    return out


@dataclass
class SampleScore:
    gold_quotes: int = 0
    found_quotes: int = 0
    matched: int = 0
    attributed: int = 0
    correct: int = 0
    by_type: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    addressee_correct: int = 0
    addressee_total: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    gold_speaker: dict[int, str] = field(default_factory=dict)  # matched quotation's start -> gold speaker
    char_map: dict[str, str] = field(default_factory=dict)  # our character id -> annotation id

    @property
    def recall(self) -> float:
        return self.matched / self.gold_quotes if self.gold_quotes else 0.0

    @property
    def precision(self) -> float:
        return self.matched / self.found_quotes if self.found_quotes else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.correct / self.attributed if self.attributed else 0.0


def score_sample(work: Work, source_text: str, annotation: dict[str, Any]) -> SampleScore:
    """Quote detection and speaker accuracy over the annotated lines of the sample."""
    analysis = work.analysis or {}
    first, last = annotation["quotes_lines"]
    src_lines = LineIndex(source_text)
    offsets = work.offsets
    cmap = character_map(analysis, annotation["characters"])
    found: dict[int, list[dict]] = defaultdict(list)
    for q in analysis.get("quotes", []):
        line, _col = src_lines.line_col(offsets.to_source(q["start"]))
        if first <= line <= last:
            found[line].append(q)
    sc = SampleScore()
    sc.char_map = cmap
    sc.found_quotes = sum(len(v) for v in found.values())
    used: set[int] = set()
    for g in annotation["quotes"]:
        sc.gold_quotes += 1
        want = _norm(g["text"])
        hit = None
        for q in found.get(g["line"], []):
            if id(q) in used:
                continue
            content = _norm(work.text[q["start"] : q["end"]])
            if content.startswith(want) or want.startswith(content[: max(4, len(content))]):
                hit = q
                break
        if hit is None:
            sc.missed.append(f"{g['line']}: {g['text']}")
            continue
        used.add(id(hit))
        sc.matched += 1
        if g.get("speaker") is None:
            continue
        sc.attributed += 1
        sc.gold_speaker[hit["start"]] = g["speaker"]
        ok = cmap.get(hit["speaker"] or "") == g["speaker"]
        sc.correct += ok
        t = sc.by_type[g.get("type", "implicit")]
        t[0] += ok
        t[1] += 1
        if not ok:
            sc.wrong.append(
                f"{g['line']}: {g['text'][:30]!r} gold={g['speaker']} got={cmap.get(hit['speaker'] or '', hit['speaker'])}"
                f" ({hit['method']})"
            )
        if g.get("addressees"):
            sc.addressee_total += 1
            ours = {cmap.get(a) for a in hit["addressees"]}
            sc.addressee_correct += bool(ours & set(g["addressees"]))
    for qs in found.values():
        for q in qs:
            if id(q) not in used:
                sc.spurious.append(work.text[q["start"] : q["end"]][:50])
    return sc


def alias_groups(analysis: dict[str, Any]) -> dict[str, set[str]]:
    """Character id -> every name it goes by (name, aliases), lower-cased."""
    out = {}
    for c in analysis["characters"]:
        out[c["id"]] = {_fold(c["name"])} | {_fold(a["name"]) for a in c["aliases"]}
    return out


def _fold(name: str) -> str:
    """Lower case with one apostrophe, so "Li'l Bit" typed in ASCII finds "Li’l Bit"."""
    return name.lower().replace("\u2019", "'").replace("\u2018", "'")


def which(analysis: dict[str, Any], name: str) -> set[str]:
    """Ids of the characters that go by `name`."""
    n = _fold(name)
    return {cid for cid, names in alias_groups(analysis).items() if n in names}


def load_annotation(path: str | Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text("utf-8"))


# --------------------------------------------------------------------------- LitBank


@dataclass
class LitBankDoc:
    """One LitBank excerpt rebuilt as running text, with gold quotes, speakers and coreference."""

    name: str
    text: str
    paragraphs: list[tuple[int, int]]
    tokens: list[tuple[int, int]]  # char span of each token, in document order
    sent_tok: list[list[int]]  # sentence -> global token indices
    quotes: list[dict] = field(default_factory=list)  # {"start", "end", "speaker": entity id or None}
    entities: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # coref id -> char spans
    per_names: dict[int, str] = field(default_factory=dict)  # PER coref id with a proper name -> its name
    edition: str | None = None  # the published edition whose paragraphs the text follows, if any


_NO_SPACE_BEFORE = {
    ",",
    ".",
    ";",
    ":",
    "!",
    "?",
    ")",
    "]",
    "}",
    "'s",
    "n't",
    "'m",
    "'re",
    "'ll",
    "'ve",
    "'d",
    "%",
}
_OPENERS = {"\u201c", "\u2018", "(", "[", "{"}
_CLOSERS = {"\u201d", "\u2019"}


JOIN_AFTER_TAG = True
# Longest beat ('"Yes. You too?" Tommy nodded.') after which the next quotation stays in the same
# paragraph. 0: a beat never joins: against the published paragraphs of the 8 LitBank books that
# Standard Ebooks holds, break F1 is 0.821 with 0, 0.817 with 3, 0.815 with 5, 0.806 with 8.
BEAT_MAX = 0
_CLOSE_TOKENS = {"\u201d", "\u2019"}


def _ends_with_tag(prev: list[str], q_marks: set[str]) -> bool:
    """A sentence that closes a quotation and then names its speaker: '..." said Curtis.'"""
    if not prev or prev[-1] not in (".", ",", ";"):
        return False
    close = max((i for i, t in enumerate(prev) if t in _CLOSE_TOKENS or t in q_marks), default=-1)
    if close < 1 or close >= len(prev) - 2:
        return False
    tail = [t.lower() for t in prev[close + 1 : -1]]
    from ficpress.analyse.lexicon import SPEECH_VERBS

    if 1 <= len(tail) <= 6 and any(t in SPEECH_VERBS for t in tail):
        return True
    # a short beat right after the closing mark: '"Yes. You too?" Tommy nodded.'
    return 1 <= len(tail) <= BEAT_MAX and prev[-1] == "."


NARRATION_AFTER_QUOTE = True


def _closes_quote(prev: list[str], q_marks: set[str]) -> bool:
    """A sentence that ends on a closing quotation mark: what follows is not the speaker's."""
    return bool(prev) and (prev[-1] in _CLOSE_TOKENS or prev[-1] in q_marks) and len(prev) > 1


def _is_tag(prev: list[str], toks: list[str]) -> bool:
    """'"Why?" / I asked.': after a quotation closing on ! or ? (where the tokeniser cut the
    sentence), a speech verb right at the start names the speaker of that quotation."""
    low = [t.lower() for t in toks]
    return (
        len(prev) >= 2
        and prev[-2] in ("!", "?", "--", "\u2014")
        and len(toks) <= 8
        and any(t in _SAY for t in low[:4])
        and "that" not in low
    )


_SAY = {
    "said",
    "asked",
    "answered",
    "replied",
    "cried",
    "exclaimed",
    "muttered",
    "explained",
    "added",
    "remarked",
    "returned",
    "shouted",
    "whispered",
    "faltered",
    "inquired",
    "bellowed",
    "called",
    "says",
    "asks",
    "continued",
    "observed",
    "retorted",
    "murmured",
    "demanded",
    "rejoined",
}


STRAIGHT_BY_CONTEXT = True
SPLIT_CLOSE_OPEN = True  # a quotation closing and the next opening inside one sentence: two paragraphs


def _straight_side(toks: list[str], i: int, q_open: bool = False) -> str | None:
    """Which way a straight quotation mark faces where its place says so (opening a sentence, after
    a colon), else None.

    Why: marks are paired by toggling, and one unbalanced mark (a letter's signature, a quotation
    left open at a paragraph's end) would turn every later mark of the excerpt the wrong way. After a
    colon inside an open quotation, a mark before a lower-case word closes it: 'the sentiment, 'Go to
    the Deuce:' even the gate', 'unquestionably "good:" if you inquired'."""
    prev = toks[i - 1] if i > 0 else ""
    if i == 0:
        return "open"
    if prev == ":":
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        return "close" if q_open and nxt[:1].islower() else "open"
    return None


_HEADING_WORDS = {"CHAPTER", "Chapter", "BOOK", "PART", "VOLUME"}
_TITLE_SMALL_WORDS = {"of", "the", "a", "an", "and", "to", "in", "on", "at", "for", "with"}


def _heading_cut(toks: list[str], q_marks: set[str]) -> int | None:
    """Where the first line of a chapter starts inside a sentence that opens with its heading, or None.

    Why: LitBank's tokeniser runs a chapter heading and its title into the epigraph or line below
    ('CHAPTER ONE PLAYING PILGRIMS " Christmas won't be Christmas ..."', 'CHAPTER I. " Since I can do
    no good ...'); the book sets them on lines of their own. Only a quotation mark right after the
    heading and a title of capitalised words is taken as the cut, and a mark before a word in
    capitals belongs to the title ('CHAPTER I 'HASTE TO THE WEDDING'').
    """
    head = next((i for i, t in enumerate(toks[:3]) if t in _HEADING_WORDS), None)
    if head is None or head + 1 >= len(toks):
        return None
    num = toks[head + 1].rstrip(".")
    if not (num.isdigit() or re.fullmatch(r"[IVXLCivxlc]+|[A-Z][A-Z]+|[A-Z][a-z]+", num)):
        return None
    in_title = False
    for i in range(head + 2, min(len(toks), head + 16)):
        t = toks[i]
        if t in q_marks or t in ("\u201c", "\u2018", "\u201d", "\u2019"):
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            if in_title:
                in_title = False  # the closing mark of a quoted title
            elif nxt.isupper() and len(nxt) > 1:
                in_title = True
            elif nxt[:1].isupper():
                return i
            else:
                return None
        elif not (t[:1].isupper() or t.isdigit() or t in _TITLE_SMALL_WORDS or t in (".", ":", "--", "'s")):
            return None
    return None


def _detok(
    sentences: list[list[str]], breaks: set[int] | None = None
) -> tuple[str, list[tuple[int, int]], list[list[int]], list[tuple[int, int]]]:
    """Join LitBank's tokens into readable text and keep each token's character span.

    Straight quote tokens open at the start of a sentence or after a space-taking token and close
    otherwise; a paragraph break is put before a sentence that opens a quotation or a dash line,
    since LitBank keeps sentences but not paragraphs. When the excerpt marks speech with single
    straight quotes (Dickens, Gaskell) those tokens are treated like double ones.
    """
    flat = [t for s in sentences for t in s]
    singles = sum(1 for s in sentences if s and s[0] == "'")
    doubles = sum(1 for t in flat if t == '"')
    q_marks = {'"'} | ({"'"} if singles > max(2, doubles) else set())
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    sent_tok: list[list[int]] = []
    paragraphs: list[tuple[int, int]] = []
    pos = 0
    par_start = 0
    q_open = False
    attach_next = False
    for si, toks in enumerate(sentences):
        first = toks[0] if toks else ""
        opens = first in ("\u201c", "\u2018", "--", "\u2014") or first in q_marks
        if (
            opens
            and q_open
            and first in ("--", "\u2014")
            and si > 0
            and sentences[si - 1][-1:] in (["!"], ["?"])
        ):
            # '"How much, gentlemen, for this real Albino!' / '-- fit fancy-girl for any one!', '"... HE
            # LOVES ME!' / '--" and sprinkling': the tokeniser cut the open line at its ! or ?
            opens = False
        if si > 0 and opens and JOIN_AFTER_TAG and _ends_with_tag(sentences[si - 1], q_marks):
            opens = False  # '"...," said Curtis. "It must be..."': the same speaker goes on
        if (
            si > 0
            and not opens
            and NARRATION_AFTER_QUOTE
            # '... wincing. '' / 'I should not ...': the straight mark ending the sentence opened a line
            and not (q_open and sentences[si - 1][-1:] and sentences[si - 1][-1] in q_marks)
            and _closes_quote(sentences[si - 1], q_marks)
        ):
            opens = first[:1].isupper() and first not in q_marks and not _is_tag(sentences[si - 1], toks)
        if breaks is not None:
            opens = si in breaks  # the paragraphs of a published edition of the book
        if si > 0 and opens:
            paragraphs.append((par_start, pos))
            parts.append("\n")
            pos += 1
            par_start = pos
            attach_next = True
            if first in q_marks or first in ("--", "\u2014"):
                # a new paragraph of speech (the last one may have run on unclosed) or a dash line (an
                # epigraph's source: its quotation, left open, stops here instead of turning every
                # later mark of the excerpt the wrong way)
                q_open = False
        idxs = []
        cut = _heading_cut(toks, q_marks)
        if cut is not None and si > 0 and pos > par_start:
            # the heading stands on a line of its own ('... of its own. CHAPTER 2 'Dearest Joan')
            paragraphs.append((par_start, pos))
            parts.append("\n")
            pos += 1
            par_start = pos
            attach_next = True
        for ti, t in enumerate(toks):
            if ti == cut and pos > par_start:
                paragraphs.append((par_start, pos))
                parts.append("\n")
                pos += 1
                par_start = pos
                q_open = False
            if t in q_marks and STRAIGHT_BY_CONTEXT:
                side = _straight_side(toks, ti, q_open)
                if side is not None:
                    q_open = side == "close"  # the toggle below then lands on the side the context says
            prev_t = toks[ti - 1] if ti > 0 else ""
            if (
                SPLIT_CLOSE_OPEN
                and pos > par_start
                and (
                    (t == "\u201c" and prev_t == "\u201d")
                    or (t in q_marks and prev_t in q_marks and not q_open)
                )
            ):
                # '...my poor nerves." "You mistake me, my dear...': one sentence to the tokeniser, two
                # speakers' paragraphs in the book (and in every edition of the excerpts that have one)
                paragraphs.append((par_start, pos))
                parts.append("\n")
                pos += 1
                par_start = pos
            sep = " "
            if (
                attach_next
                or pos == par_start
                or t in _NO_SPACE_BEFORE
                or t.lower() in _NO_SPACE_BEFORE
                or t in _CLOSERS
            ):
                sep = ""
            elif t[:1] in ("'", "\u2019") and t[1:].isalpha() and t not in q_marks:
                sep = ""  # ’s, n’t, ’ll
            elif t.lower() in ("n't", "n\u2019t") or t in q_marks and q_open:
                sep = ""
            attach_next = False
            if t in q_marks:
                q_open = not q_open
                attach_next = q_open
            if t in _OPENERS:
                attach_next = True
            if sep:
                parts.append(sep)
                pos += len(sep)
            spans.append((pos, pos + len(t)))
            idxs.append(len(spans) - 1)
            parts.append(t)
            pos += len(t)
        sent_tok.append(idxs)
    paragraphs.append((par_start, pos))
    return "".join(parts), spans, sent_tok, [p for p in paragraphs if p[1] > p[0]]


def _alnum(s: str) -> tuple[str, list[int]]:
    keep = [(i, c.lower()) for i, c in enumerate(s) if c.isalnum()]
    return "".join(c for _i, c in keep), [i for i, _c in keep]


def edition_breaks(sentences: list[list[str]], editions: list[str]) -> set[int] | None:
    """Sentences that open a paragraph in a published edition of the same book, or None.

    Why: LitBank keeps sentences, not paragraphs, and guessing the paragraphs loses a third of
    them (measured against the editions), which costs turn-taking what a real text would give it.
    The excerpt is found in an edition (one paragraph per line) by its letters and digits alone, so
    spelling of punctuation and quotes does not matter; a sentence that cannot be placed keeps the
    guessed layout for the whole excerpt.
    """
    sents = ["".join(c.lower() for t in s for c in t if c.isalnum()) for s in sentences]
    for ed in editions:
        norm, pos = _alnum(ed)
        cur = None
        for sx in sents:
            if len(sx) >= 40:
                q = norm.find(sx)
                if q >= 0 and norm.find(sx, q + 1) < 0:
                    cur = max(0, q - 3000)
                    break
        if cur is None:
            continue
        out: set[int] = set()
        prev_end = None
        placed = 0
        for si, sx in enumerate(sents):
            if not sx:
                continue
            probe = sx[:30]
            q = norm.find(probe, cur, cur + 4000)
            if q < 0:
                prev_end = None
                continue
            placed += 1
            if prev_end is not None and "\n" in ed[pos[prev_end] : pos[q]]:
                out.add(si)
            prev_end = q + len(probe) - 1
            cur = q + len(probe)
        if placed >= 0.9 * sum(1 for sx in sents if sx):
            return out
    return None


def load_litbank(
    root: str | Path, limit: int | None = None, editions: str | Path | None = None
) -> list[LitBankDoc]:
    """Every LitBank excerpt with quotation annotations, rebuilt as text (CC BY 4.0, credit LitBank).

    `editions`: a folder of full books, one paragraph per line; an excerpt found in one of them
    takes its paragraphs from there instead of guessing them (`LitBankDoc.edition` says which).
    """
    root = Path(root)
    qdir = root / "quotations" / "tsv"
    books = sorted(Path(editions).glob("*.txt")) if editions else []
    docs = []
    for ann in sorted(qdir.glob("*.ann")):
        lines = [ln for ln in ann.read_text("utf-8").splitlines() if ln.strip()]
        if not lines:
            continue
        name = ann.stem
        txt = (qdir / f"{name}.txt").read_text("utf-8").splitlines()
        sentences = [s.split(" ") if s else [] for s in txt]
        breaks = None
        edition = None
        title_words = set(re.findall(r"[a-z]+", name.lower())) - {"brat", "the", "a", "of", "and"}
        for book in books:
            if len(title_words & set(re.findall(r"[a-z]+", book.stem.lower()))) * 2 >= len(title_words):
                breaks = edition_breaks(sentences, [book.read_text("utf-8")])
                if breaks is not None:
                    edition = book.name
                    break
        text, spans, sent_tok, paragraphs = _detok(sentences, breaks)
        doc = LitBankDoc(name, text, paragraphs, spans, sent_tok, edition=edition)
        quotes = {}
        attrib = {}
        for ln in lines:
            f = ln.split("\t")
            if f[0] == "QUOTE":
                s1, t1, s2, t2 = int(f[2]), int(f[3]), int(f[4]), int(f[5])
                if s1 >= len(sent_tok) or s2 >= len(sent_tok) or t2 >= len(sent_tok[s2]):
                    continue
                quotes[f[1]] = (spans[sent_tok[s1][t1]][0], spans[sent_tok[s2][t2]][1])
            elif f[0] == "ATTRIB":
                attrib[f[1]] = f[2]
        conll = root / "coref" / "conll" / f"{name}.conll"
        ents: dict[int, list[tuple[int, int]]] = defaultdict(list)
        ent_text: dict[int, list[str]] = defaultdict(list)
        if conll.exists():
            ents, ent_text = _read_conll(conll, spans)
        doc.entities = dict(ents)
        ner = root / "entities" / "tsv" / f"{name}.tsv"
        per_spans = _read_per_props(ner, spans) if ner.exists() else []
        doc.per_names = _per_entities(doc, per_spans)
        for qid, (s, e) in sorted(quotes.items(), key=lambda kv: kv[1]):
            lab = attrib.get(qid)
            doc.quotes.append(
                {
                    "start": s,
                    "end": e,
                    "label": lab,
                    "speaker": _label_entity(lab, ents, ent_text, list(quotes.values())),
                }
            )
        docs.append(doc)
        if limit and len(docs) >= limit:
            break
    return docs


def _read_conll(path: Path, spans: list[tuple[int, int]]):
    ents: dict[int, list[tuple[int, int]]] = defaultdict(list)
    ent_text: dict[int, list[str]] = defaultdict(list)
    stack: dict[int, list[int]] = defaultdict(list)
    gi = -1
    words: list[str] = []
    for line in path.read_text("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        f = line.split("\t")
        if len(f) < 4:
            continue
        gi += 1
        words.append(f[3])
        tag = f[-1].strip()
        if gi >= len(spans) or not tag or tag in ("_", "-"):
            continue
        for part in tag.split("|"):
            m = re.match(r"^\(?(\d+)\)?$", part)
            if not m:
                continue
            eid = int(m.group(1))
            if part.startswith("("):
                stack[eid].append(gi)
            if part.endswith(")") and stack[eid]:
                s = stack[eid].pop()
                ents[eid].append((spans[s][0], spans[gi][1]))
                ent_text[eid].append(" ".join(words[s : gi + 1]))
    return ents, ent_text


def _read_per_props(path: Path, spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """PER entity spans from LitBank's entity layer (any nesting level) that hold a capitalised word."""
    out = []
    gi = -1
    open_: dict[int, tuple[int, list[str]]] = {}
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        f = line.split("\t")
        gi += 1
        word = f[0]
        for lvl, tag in enumerate(f[1:5]):
            tag = tag.strip()
            if lvl in open_ and not tag.startswith("I-"):
                s, ws = open_.pop(lvl)
                out.append((s, gi - 1, " ".join(ws)))
            if tag == "B-PER":
                open_[lvl] = (gi, [word])
            elif tag == "I-PER" and lvl in open_:
                open_[lvl][1].append(word)
    for _lvl, (s, ws) in open_.items():
        out.append((s, gi, " ".join(ws)))
    res = []
    for s, e, t in out:
        if e < len(spans) and any(w[:1].isupper() for w in t.split()):
            res.append((spans[s][0], spans[e][1], t))
    return res


def _per_entities(doc: LitBankDoc, per_spans: list[tuple[int, int, str]]) -> dict[int, str]:
    """Coreference entities that are people named by a proper name somewhere in the excerpt."""
    span_ent = {}
    for eid, sp in doc.entities.items():
        for s in sp:
            span_ent[s] = eid
    out: dict[int, str] = {}
    determiners = {
        "my",
        "his",
        "her",
        "their",
        "our",
        "your",
        "the",
        "a",
        "an",
        "that",
        "this",
        "one",
        "some",
    }
    for s, e, t in per_spans:
        eid = span_ent.get((s, e))
        words = t.split()
        if eid is None or not words or words[0].lower() in determiners or len(words) > 4:
            continue
        # a proper name: every word capitalised (Mr. Darcy, Sir John, Mary Lennox), said more than once
        if (
            all(w[:1].isupper() or w in (".", "'s", "of") for w in words)
            and len(doc.entities.get(eid, [])) >= 2
        ):
            out.setdefault(eid, t)
    return out


_LABEL_STOP = {
    "the",
    "a",
    "an",
    "his",
    "her",
    "my",
    "our",
    "their",
    "your",
    "its",
    "of",
    "one",
    "some",
    "that",
    "this",
    "and",
    "to",
    "in",
    "on",
    "at",
    "with",
    "for",
}
_FIRST_PERSON = {"i", "me", "my", "myself", "mine"}
_PERSON_PRONOUNS = {"he", "she", "him", "her", "his", "hers"}
_HONORIFIC_WORDS = {"mr", "mrs", "miss", "ms", "dr", "sir", "lady", "lord", "madam", "madame", "master"}


def _label_entity(
    label: str | None, ents, ent_text, quote_spans: list[tuple[int, int]] | None = None
) -> int | None:
    """LitBank's speaker label ('Winnie_Verloc-3') -> the coreference entity that carries that name.

    Why normalised text and no function words: "Mrs_Bennet" must meet "Mrs. Bennet" (the full name,
    not just the shared surname, decides between Mr. and Mrs. Bennet), and "his_trusted_corporal"
    must not be drawn to whoever owns the most "his". The label's number is LitBank's own entity
    index, which is not the coreference file's, so it only breaks ties. A label "narrator" is the
    entity that says "I" in the narration most often.
    """
    if not label:
        return None
    name, _, num = label.rpartition("-")
    # "Tom_s_aunt", "Philip_s_nurse": the one possessed speaks, not the possessor
    name = re.split(r"_s_(?=[A-Za-z])", name)[-1]
    full = _norm(name.replace("_", " "))
    if not full:
        return None
    norm_texts = {eid: [_norm(t) for t in texts] for eid, texts in ent_text.items()}
    if full in ("narrator", "the narrator", "i"):
        # "I" said in the narration, not inside someone's quotation (a story told by a character
        # inside the frame says "I" more often than the frame's narrator)
        inside = sorted(quote_spans or [])

        def narrated(span: tuple[int, int]) -> bool:
            k = bisect.bisect_right(inside, (span[0], float("inf"))) - 1
            return k < 0 or inside[k][1] <= span[0]

        firsts = {
            eid: sum(
                1 for t, sp in zip(lt, ents.get(eid, []), strict=False) if t in _FIRST_PERSON and narrated(sp)
            )
            for eid, lt in norm_texts.items()
        }
        best = max(firsts, key=lambda e: firsts[e], default=None)
        if best is not None and firsts[best] >= 3:
            return best
        # no narrator says "I": a speaker labelled "I" is the person the label's number names
        own = int(num) if num.isdigit() else -1
        return own if any(t in _PERSON_PRONOUNS for t in norm_texts.get(own, [])) else None
    words = [w for w in full.split() if w not in _LABEL_STOP] or full.split()
    # a label whose name words appear nowhere ("Mrs_Markham" for a mother only ever called "my mother")
    # would otherwise go to whoever shares its honorific ("Mrs. Graham"): its own number decides when
    # that entity is a person (referred to as he or she)
    named = [w for w in words if w.rstrip(".") not in _HONORIFIC_WORDS]
    if (
        named
        and num.isdigit()
        and int(num) in norm_texts
        and any(t in _PERSON_PRONOUNS for t in norm_texts[int(num)])
        and not any(
            re.search(rf"\b{re.escape(w)}", t) for lt in norm_texts.values() for t in lt for w in named
        )
    ):
        return int(num)
    pat_full = re.compile(rf"\b{re.escape(full)}\b")
    pats = [re.compile(rf"\b{re.escape(w)}\b") for w in words]
    # A short name label is matched first by the rarest of its words: "William_Morel" is the entity
    # called "William", not the one called "Mrs. Morel" more often; a family name shared by several
    # entities weighs as little as it tells.
    holders = [{eid for eid, lt in norm_texts.items() if any(p.search(t) for t in lt)} for p in pats]
    rare = len(words) <= 3
    best, best_key = None, (0.0, 0.0)
    for eid, lt in norm_texts.items():
        score = 5.0 * sum(1 for t in lt if t == full) + 3.0 * sum(1 for t in lt if pat_full.search(t))
        score += sum(1 for t in lt for p in pats if p.search(t))
        if score and num.isdigit() and abs(eid - int(num)) <= 1:
            score += 0.5
        cover = sum(1.0 / len(h) for h in holders if eid in h) if rare else 0.0
        if (round(cover, 6), score) > best_key:
            best, best_key = eid, (round(cover, 6), score)
    best_score = best_key[1]
    if best is None:  # a short form inside a longer name: "Huck" in "Huckleberry"
        for eid, lt in norm_texts.items():
            score = sum(1 for t in lt for w in words if len(w) >= 3 and w in t)
            if score > best_score:
                best, best_score = eid, score
    return best


TYPOGRAPHY = "\u201c\u201d\u2018\u2019\u2014\u2013\u2026"


def run_damaged(doc: LitBankDoc) -> tuple[dict[str, Any], Any]:
    """Destroy every typographic glyph into U+FFFD, restore with `ficpress.restore`, analyse.

    Returns the analysis of the restored text and a function mapping its offsets back to the
    excerpt's (each lost glyph was one character, so source offsets are the excerpt's). The repair
    keeps the lines, so where no edition gave the excerpt's paragraphs the restored text's are the
    same guesses, and attribution is told so, as on the clean text.
    """
    from ficpress import restore
    from ficpress.analyse import people
    from ficpress.model import Source

    broken = "".join("\ufffd" if c in TYPOGRAPHY else c for c in doc.text)
    rest = restore.restore(Source(path=f"{doc.name}.txt", text=broken))
    # no blocks: one paragraph per non-blank line
    return people(rest.text, guessed=doc.edition is None), rest.offsets.to_source


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def restored_quote_agreement(text: str, name: str) -> tuple[int, int, int]:
    """Speech found in a text with correct typography and in the same text after every typographic
    glyph is destroyed and restored: (matched, found in the original, found in the restored).

    Why: it measures what the repair does to quotation detection apart from any annotation's
    conventions (LitBank's thoughts, sayings, unannotated lines). Matched one to one where the overlap
    covers half of either span, as `score_litbank` matches LitBank's quotations.
    """

    from ficpress import restore
    from ficpress.analyse import quotes
    from ficpress.model import Source

    def speech(t: str) -> list[tuple[int, int]]:
        return [(q.start, q.end) for q in quotes.detect(t, quotes.paragraphs_of(t)) if q.kind == "speech"]

    ref = speech(text)
    broken = "".join("\ufffd" if c in TYPOGRAPHY else c for c in text)
    rest = restore.restore(Source(path=f"{name}.txt", text=broken))
    conv = rest.offsets.to_source
    got = [(conv(s), conv(e)) for s, e in speech(rest.text)]
    matched = sum(m is not None for m in match_spans(got, ref))
    return matched, len(ref), len(got)


def match_spans(found: list[tuple[int, int]], gold: list[tuple[int, int]]) -> list[int | None]:
    """For each found span in turn, the index of the gold span not matched before that it overlaps
    most, kept where the overlap covers at least half of either span; None where there is none.

    Gold spans are visited in order of their starts from the first that can still reach the found
    span, so a book's thousands of quotations are matched in near-linear time, nested ones too.
    """
    order = sorted(range(len(gold)), key=lambda i: gold[i][0])
    starts = [gold[i][0] for i in order]
    reach = list(accumulate((gold[i][1] for i in order), max))  # the furthest end so far
    used: set[int] = set()
    out: list[int | None] = []
    for s, e in found:
        best, bo = None, 0
        k = bisect.bisect_right(reach, s)  # every gold span before k ends by s
        while k < len(order) and starts[k] < e:
            gi = order[k]
            if gi not in used:
                o = _overlap((s, e), gold[gi])
                if o > bo:
                    best, bo = gi, o
            k += 1
        if best is not None and (2 * bo >= gold[best][1] - gold[best][0] or 2 * bo >= e - s):
            used.add(best)
            out.append(best)
        else:
            out.append(None)
    return out


@dataclass
class LitBankScore:
    gold: int = 0
    found: int = 0
    matched: int = 0
    attributed: int = 0
    correct: int = 0
    by_type: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    chars_gold: int = 0
    chars_found: int = 0
    purity_num: int = 0
    purity_den: int = 0
    details: list[tuple] = field(
        default_factory=list
    )  # (label, speaker, method, ok, start, its entity, gold)
    char_ent: dict[str, int] = field(default_factory=dict)  # our character -> the gold entity it stands for

    def add(self, other: LitBankScore) -> None:
        for k in ("gold", "found", "matched", "attributed", "correct", "chars_gold", "chars_found"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.purity_num += other.purity_num
        self.purity_den += other.purity_den
        for t, (a, b) in other.by_type.items():
            self.by_type[t][0] += a
            self.by_type[t][1] += b

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.correct / self.attributed if self.attributed else 0.0

    @property
    def char_recall(self) -> float:
        return self.chars_found / self.chars_gold if self.chars_gold else 0.0

    @property
    def purity(self) -> float:
        return self.purity_num / self.purity_den if self.purity_den else 0.0


def score_litbank(
    doc: LitBankDoc, result: dict[str, Any], text: str | None = None, offset_map=None
) -> LitBankScore:
    """Quote P/R (a match overlaps at least half of both spans), speaker accuracy, character recall
    and cluster purity; speakers are compared through the coreference entity each of our
    characters' mentions overlap most."""
    sc = LitBankScore()
    conv = offset_map or (lambda x: x)
    ours = [(conv(q["start"]), conv(q["end"]), q) for q in result["quotes"]]
    sc.gold = len(doc.quotes)
    sc.found = len(ours)
    # our character -> gold entity, by mention overlap
    ment_by_char: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in result["mentions"]:
        ment_by_char[m["character"]].append((conv(m["start"]), conv(m["end"])))
    ent_spans = sorted((s, e, eid) for eid, sp in doc.entities.items() for s, e in sp)

    starts = [s for s, _e, _i in ent_spans]

    def ents_at(s: int, e: int) -> list[int]:
        """The gold mention that best matches ours (nested mentions: 'my mother' is not 'my')."""
        i = bisect.bisect_left(starts, s - 40)
        best, best_iou = None, 0.0
        while i < len(ent_spans) and ent_spans[i][0] < e:
            es, ee, eid = ent_spans[i]
            o = _overlap((s, e), (es, ee))
            if o > 0:
                iou = o / (max(e, ee) - min(s, es))
                if iou > best_iou:
                    best, best_iou = eid, iou
            i += 1
        if best is not None and best_iou >= 0.3:
            return [best]
        # LitBank's mentions are whole noun phrases ("the thin gentleman, who had previously insisted
        # upon ..."): ours may be their head, starting where they start; the shortest such phrase
        i = bisect.bisect_left(starts, s)
        head = None
        while i < len(ent_spans) and ent_spans[i][0] == s:
            es, ee, eid = ent_spans[i]
            if ee >= e and (head is None or ee < head[0]):
                head = (ee, eid)
            i += 1
        return [head[1]] if head is not None else []

    char_ent: dict[str, int] = {}
    for cid, spans in ment_by_char.items():
        votes: Counter[int] = Counter()
        for s, e in spans:
            for eid in set(ents_at(s, e)):
                votes[eid] += 1
        if votes:
            char_ent[cid] = votes.most_common(1)[0][0]
            sc.purity_num += votes.most_common(1)[0][1]
            sc.purity_den += sum(votes.values())
    sc.char_ent = char_ent
    matches = match_spans([(s, e) for s, e, _q in ours], [(g["start"], g["end"]) for g in doc.quotes])
    for (_s, _e, q), best in zip(ours, matches, strict=True):
        if best is None:
            continue
        g = doc.quotes[best]
        sc.matched += 1
        if g["speaker"] is None:
            continue
        sc.attributed += 1
        ok = q["speaker"] is not None and char_ent.get(q["speaker"]) == g["speaker"]
        sc.correct += ok
        t = sc.by_type[q.get("type", "implicit")]
        t[0] += ok
        t[1] += 1
        sc.details.append(
            (g["label"], q["speaker"], q["method"], ok, q["start"], char_ent.get(q["speaker"]), g["speaker"])
        )
    found_ents = set(char_ent.values())
    sc.chars_gold = len(doc.per_names)
    sc.chars_found = sum(1 for eid in doc.per_names if eid in found_ents)
    return sc
