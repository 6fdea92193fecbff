"""Bytes of text → str without silent mojibake.

`decode_text(data)` tries, in order: a BOM; UTF-16 without a BOM (told by where the NUL
bytes of its ASCII characters fall); strict UTF-8; then the legacy CJK encodings GB18030,
Big5 (and its cp950/HKSCS supersets) and Shift-JIS, each decoded strictly and scored by how
much of the result is common Chinese (simplified or traditional) or Japanese kana. GB18030
decodes almost any byte string, so trying it first (as before) turned Big5 and Shift-JIS
into garbage without a word. Big5 is decoded (traditional Chinese reports are legitimate);
Japanese text is refused. Input cut in the middle of a character at the end loses that
character only, and the `Decoded.note` (also logged on "indexer.parse") says so.
"""

from __future__ import annotations

import codecs
import functools
import logging
import re
from dataclasses import dataclass

import opencc
from charset_normalizer import from_bytes

from indexer.parse.formats.errors import UnsupportedFormat

log = logging.getLogger("indexer.parse")
SAMPLE = 65536
SCORED = 8000  # characters scored per candidate
CONFIDENT = 0.5  # a first candidate scoring this is taken without trying the others
PLAUSIBLE = 0.3  # below this no CJK candidate fits: charset detection guesses
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_LEGACY = ("gb18030", "big5hkscs", "cp950", "cp932", "utf-16-le", "utf-16-be")
_CONTROL = {c for c in range(32)} - {9, 10, 12, 13}
# The most frequent characters of Chinese prose and of these reports; their traditional
# forms are added by OpenCC. A right decoding is mostly made of them, a wrong one rarely.
_COMMON = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过"
    "发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心本前开"
    "但因只从想实日者意无力与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手"
    "应向头文体政相见被利什二等产或新己制身果加西月话合回特代内信表化老给世位次度门任常先海通教原东"
    "声提立及比员解水名真论处走义各入几口认条平系气题活更别打女变四神总何电数安少报才结反受目太量再"
    "感建务做接必场件计管期市直资命山金指许统区保至队形社便空决治展马科司五基书非则听白界达光放强即"
    "像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识"
    "带导争运飞风步改收根干造言联持组每济车亲极林服快办议往元士证近失转令准布始存未远叫台单影具字爱"
    "击流备连调深商算质团集百需价花党华城石级整府离况请技际约示复病息究线似官火断精满支视消越器容照"
    "须九增研写称企八功包片史委查轻易早曾除农找装广显标谈图念六引历首医局突专费号尽另周较注语仅考落"
    "青随选列响虽推势参希古众构房半节土投某案维划致律足态护七兴验责营星够章音跟志底站严例防族供效续"
    "施留讲型料终答紧黄绝察京段依批群项故按河米围江织害双境客纪采举父密低朝友诉止细愿千值仍钱破网热"
    "助倒育属坐限速刻否刚威状率甚独般普创假久错承印试股益若微继送急素药适波初卫源食险待述陆习置居劳"
    "财环排福纳欢警获模充负云停木游树疑层范句室异激村策简罪判担州静退既宗积余检差富协角占配征修胜降"
    "阶审坚善读超免压买养副乱抗犯追帮宣岁航优著田铁控税份艺背阵草概块守托央户烈互付慢换闻危核介讨"
    "良序升监临露永呼味野架域括误减编测败困渐封救贵缺楼县尚移朋画班智恩短遗固席谢遇康虑均销录附予"
    "礼港板庭妇归含顺输招补督油疗旅泽材逐笔词择寻厂博授诺健堂借君禁园谋宋避荣孙顶镇乡街道聘"
    "息申请收到结转复议诉讼行政主动办理依据条例规章规范性文件许可处罚强制事项答复予以部分机关掌握"
    "移交其他无法提供属于咨询重复内容秘密商业隐私危及安全稳定过程内部管理历史档案纠正维持确认违法"
    "驳回尚未审结人民政府办公室年度报告情况工作信息公开存在主要问题及改进其他需要的事项总体")


@dataclass
class Decoded:
    text: str
    encoding: str
    note: str | None = None  # e.g. an incomplete last character dropped


def decode_text(data: bytes, preferred: tuple[str, ...] = ()) -> Decoded:
    """See the module docstring. `preferred`: legacy encodings to try first (an HTML page's
    declared charset), taken when they read as ordinary Chinese. Raises UnsupportedFormat for Japanese text."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _finish(_strict(data[len(bom):], enc) or _Replace(data[len(bom):], enc))
    if (enc16 := utf16_without_bom(data)) and (got := _strict(data, enc16)):
        return _finish(got)
    if got := _strict(data, "utf-8"):
        return _finish(got)
    return _finish(_legacy(data, preferred))


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when the NUL bytes sit on one side of the code units (the
    high byte of ASCII characters: digits, spaces, line breaks) and the head decodes to text
    without control characters; else None."""
    head = data[:4096]
    half = len(head) // 2
    if half < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if max(even, odd) < max(half // 50, 2) or min(even, odd) > max(even, odd) // 10:
        return None
    enc = "utf-16-le" if odd > even else "utf-16-be"
    got = _strict(head[: half * 2], enc)
    if got is None:
        return None
    text = got.text
    controls = sum(1 for ch in text if ord(ch) in _CONTROL)
    return enc if controls <= len(text) // 100 else None


class _Replace:
    """A last resort: decoded with U+FFFD for what does not decode."""

    def __init__(self, data: bytes, enc: str) -> None:
        self.text, self.encoding, self.dropped = data.decode(enc, errors="replace"), enc, 0


@dataclass
class _Strict:
    text: str
    encoding: str
    dropped: int = 0  # bytes of an incomplete last character


def _strict(data: bytes, enc: str) -> _Strict | None:
    """Strict decoding; an incomplete character at the very end is dropped (and counted)."""
    try:
        return _Strict(data.decode(enc), enc)
    except UnicodeDecodeError as exc:
        if exc.end != len(data) or exc.start < len(data) - 3:
            return None
    for cut in range(1, 4):  # the shortest cut that decodes
        try:
            return _Strict(data[:-cut].decode(enc), enc, cut)
        except UnicodeDecodeError:
            continue
    return None


def _legacy(data: bytes, preferred: tuple[str, ...] = ()) -> _Strict | _Replace:
    """The best-scoring strict decoding of the sample; the first candidate (a declared charset,
    else GB18030) is taken at once when it reads as ordinary Chinese."""
    sample = data[:SAMPLE]
    best: tuple[float, str] | None = None
    decoded: dict[str, _Strict] = {}
    for enc in dict.fromkeys((*preferred, *_LEGACY)):
        if enc.startswith("utf-16") and len(data) % 2:
            continue
        got = _strict(sample, enc)
        if got is None:
            continue
        decoded[enc] = got
        score = _score(got.text, enc)
        if best is None and score >= CONFIDENT:
            best = (score, enc)
            break
        if best is None or score > best[0] + 0.02:
            best = (score, enc)
    if best is None:
        return _guess(data)
    score, enc = best
    if enc == "cp932" and score >= PLAUSIBLE:
        raise UnsupportedFormat("日文文本（Shift-JIS 编码），不是中文年报，不予解析 / Japanese "
                                "text (Shift-JIS), not a Chinese report: refused")
    if score < PLAUSIBLE:  # neither Chinese nor Japanese: no legacy CJK encoding fits
        return _guess(data)
    if len(data) <= SAMPLE:  # the sample was the whole document: decoded already
        return decoded[enc]
    return _strict(data, enc) or _Replace(data, enc)


_ASCII = re.compile(r"[\x00-\x7f]+")


def _score(text: str, enc: str) -> float:
    """Share of the non-ASCII characters (of the first ~8,000) that are common Chinese (or
    kana, for Shift-JIS)."""
    wide = _ASCII.sub("", text[:SCORED])
    if not wide:
        return 0.0
    good = len(wide) - len(wide.translate(_common_deleted()))  # the common ones, counted in C
    if enc == "cp932":
        good += sum(1 for ch in wide if "\u3041" <= ch <= "\u30fa")
    return good / len(wide)


@functools.lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    chars = set(_COMMON)
    for config in ("s2t", "s2tw"):
        chars |= set(opencc.OpenCC(config).convert(_COMMON))
    return frozenset(chars) | set("，。、；：？！（）《》“”‘’")


@functools.lru_cache(maxsize=1)
def _common_deleted() -> dict[int, None]:
    """A str.translate table that deletes the common characters."""
    return dict.fromkeys(map(ord, _common()))


def _guess(data: bytes) -> _Replace:
    best = from_bytes(data[:SAMPLE]).best()
    enc = best.encoding if best is not None else "gb18030"
    if enc.replace("_", "").lower() in {"gb2312", "gbk", "cp936", "gb18030"}:
        enc = "gb18030"
    return _Replace(data, enc)


def _finish(got: _Strict | _Replace) -> Decoded:
    note = None
    if got.dropped:
        note = (f"末尾不完整的 {got.encoding} 字符已丢弃（{got.dropped} 字节）/ dropped an "
                f"incomplete {got.encoding} character at the end ({got.dropped} bytes)")
        log.warning(note)
    return Decoded(got.text, got.encoding, note)
