"""Folding a free-text legacy address into one spelling before it is read.

Registration offices typed addresses by hand for decades: with full-width digits, traditional
characters (Hong Kong and Macao investors' registrations), the banker's numerals of receipts
(`壹拾贰号`), 廿 and 卅 for twenty and thirty, and every kind of space and punctuation. Street
names in the index go through the same folding, so a name and its text always compare alike.
The door number is read by `numbers`.
"""

from __future__ import annotations

import re
import unicodedata

MAX_INPUT_CHARS = 300  # a spreadsheet cell can hold a novel; an address is never this long

_SEPARATORS = re.compile(r"[^\w\u4e00-\u9fff-]+|_+")
_KEEP = str.maketrans({"#": "号", "—": "-", "－": "-", "‐": "-", "–": "-", "~": "-", "～": "-"})
# Traditional forms, for the words of addresses in the Pearl River Delta.
_TRADITIONAL = (
    "號湧東華陽鷗區廣鎮樓層棟鋪門圍場業環邊橫園濕裡裏灣縣體內廠號巷頭橋興龍馬鳳龜雞鵝"
    "滙匯貿廈舊閣館聯運輝礦衛隊黃蘭蓮萬寶寧豐榮溝沖崗嶺圳壩墩莊塘碼頭義學寺廟祠堂會"
    "長開關陳張劉鄭羅楊葉蘇盧鍾謝韓馮鄧許彭蔣沈曾蕭鄒潘麥梁歐陳"
)
_SIMPLIFIED = (
    "号涌东华阳鸥区广镇楼层栋铺门围场业环边横园湿里里湾县体内厂号巷头桥兴龙马凤龟鸡鹅"
    "汇汇贸厦旧阁馆联运辉矿卫队黄兰莲万宝宁丰荣沟冲岗岭圳坝墩庄塘码头义学寺庙祠堂会"
    "长开关陈张刘郑罗杨叶苏卢钟谢韩冯邓许彭蒋沈曾萧邹潘麦梁欧陈"
)
# Receipt numerals (大写) and the contracted tens, as ordinary numerals: 壹拾贰 → 一十二, 廿一 → 二十一.
_NUMERALS = {"壹": "一", "贰": "二", "貳": "二", "叁": "三", "參": "三", "叄": "三", "肆": "四"}
_NUMERALS |= {"伍": "五", "陆": "六", "陸": "六", "柒": "七", "捌": "八", "玖": "九", "拾": "十"}
_NUMERALS |= {"佰": "百", "仟": "千", "廿": "二十", "卄": "二十", "卅": "三十", "卌": "四十", "兩": "两"}
_FOLD = str.maketrans(dict(zip(_TRADITIONAL, _SIMPLIFIED, strict=True)) | _NUMERALS)


def normalise(text: str) -> str:
    """Full-width forms to ASCII, traditional characters to simplified, banker's numerals and
    廿/卅 to plain numerals, upper case, `#` to `号`; each run of spaces and punctuation becomes
    one space: `12 3楼` must not read as `123楼`."""
    folded = unicodedata.normalize("NFKC", text[: MAX_INPUT_CHARS * 2]).translate(_KEEP)
    folded = folded.translate(_FOLD).upper()
    return _SEPARATORS.sub(" ", folded).strip()[:MAX_INPUT_CHARS]


def compact(text: str) -> str:
    """The text without separators, for comparing names."""
    return text.replace(" ", "")
