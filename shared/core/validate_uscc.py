"""统一社会信用代码 (GB 32100): an organisation's unified social credit code, checked in full."""

from __future__ import annotations

import re

from shared.core.checkdigits import USCC_ALPHABET, uscc_check_char
from shared.core.errors import ValidationError
from shared.core.validate_ids import normalise_number

# GB 32100 登记管理部门 (position 1) → 机构类别 (position 2). The standard's table has grown
# by later notices (e.g. 5 4/5 village and residents' committees, G/J/Q authorities), so the
# table is generous: a code we refuse here must be one no authority issues.
USCC_ENTITY_TYPES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 群众团体, 其他
    "2": "19",  # 外交
    "3": "1234569",  # 司法行政: 律师, 公证, 基层法律服务, 司法鉴定, 仲裁, 商事调解, 其他
    "4": "19",  # 文化
    "5": "123459",  # 民政: 社会团体, 民办非企业, 基金会, 村委会, 居委会, 其他
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "129",  # 工会
    "9": "1239",  # 工商/市场监管: 企业, 个体工商户, 农民专业合作社, 其他
    "A": "19",  # 中央军委改革和编制办公室
    "G": "19",  # 公安 (境外非政府组织代表机构)
    "J": "19",  # 住房城乡建设 (业主大会)
    "N": "1239",  # 农业农村: 组级, 村级, 乡镇级集体经济组织, 其他
    "Q": "1239",  # 侨联
    "Y": "1",  # 其他
}


_DASHES = re.compile(r"[-‐‑‒–—－]")


def _uscc_error(zh: str, en: str) -> ValidationError:
    return ValidationError(f"统一社会信用代码{zh}", f"Unified social credit code: {en}", field="uscc")


def validate_uscc(code: str) -> str:
    """统一社会信用代码 (GB 32100), including the N… and Y… codes stdnum refuses."""
    # Cleaned like an identity number, and the dash people put after the 8th character
    # (91441900-MA4UABCD1W, as printed on some licences) goes too: no USCC character is a dash.
    text = _DASHES.sub("", normalise_number(code))
    if not text:
        raise _uscc_error("不能为空", "this field is required")
    if len(text) != 18:
        raise _uscc_error("应为18位", "must be 18 characters")
    bad = sorted({c for c in text if c not in USCC_ALPHABET})
    if bad:
        shown = "、".join(bad)
        raise _uscc_error(
            f"含有不使用的字符{shown}（不使用I、O、S、V、Z）",
            f"{', '.join(bad)} not allowed (only digits and capital letters except I, O, S, V and Z)",
        )
    authority, entity_type = text[0], text[1]
    if authority not in USCC_ENTITY_TYPES:
        raise _uscc_error(
            f"第1位（登记管理部门）{authority}无效",
            f"{authority} is not a registering authority (position 1)",
        )
    if entity_type not in USCC_ENTITY_TYPES[authority]:
        raise _uscc_error(
            f"第2位（机构类别）{entity_type}不属于登记管理部门{authority}",
            f"{entity_type} is not an entity type of registering authority {authority} (position 2)",
        )
    if not text[2:8].isascii() or not text[2:8].isdigit():
        raise _uscc_error("第3至8位（行政区划码）应为数字", "positions 3 to 8 (division code) must be digits")
    if uscc_check_char(text[:17]) != text[17]:
        raise _uscc_error("校验位错误", "the check character is wrong")
    return text
