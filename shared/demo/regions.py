"""Where the demo town's people come from: GB/T 2260 address codes and their hukou addresses.

Dongguan's migrants come mostly from Hunan, Guangxi, Sichuan, Jiangxi, Henan, Guizhou,
Hubei and the rest of Guangdong. Some codes are older ones (452122 马山县 under the former
南宁地区, 412724 太康县 under the former 周口地区, 522425 织金县 under the former 毕节地区):
numbers keep the code of their first registration, which is why the validator only warns
about codes it does not know.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate

TOWN_REGION = "441900"  # 东莞市 has no county level: every local number starts 441900
TOWN_ADDRESS = "广东省东莞市麻涌镇"


@dataclass(frozen=True)
class Region:
    """A county-level address code, its hukou address, and the minority groups living there
    (GB 3304 codes with the share of its people they make up)."""

    code: str
    address: str
    weight: int
    minorities: tuple[tuple[str, float], ...] = ()


MIGRANT_REGIONS: tuple[Region, ...] = (
    Region("430524", "湖南省邵阳市隆回县", 9, (("06", 0.05), ("13", 0.04))),
    Region("430521", "湖南省邵阳市邵东县", 6),
    Region("430381", "湖南省湘潭市湘乡市", 4),
    Region("430923", "湖南省益阳市安化县", 4),
    Region("431121", "湖南省永州市祁阳县", 5),
    Region("431021", "湖南省郴州市桂阳县", 4),
    Region("430626", "湖南省岳阳市平江县", 4),
    Region("433130", "湖南省湘西土家族苗族自治州龙山县", 3, (("15", 0.55), ("06", 0.15))),
    Region("452122", "广西壮族自治区南宁市马山县", 6, (("08", 0.7), ("13", 0.05))),
    Region("450881", "广西壮族自治区贵港市桂平市", 6, (("08", 0.1),)),
    Region("450921", "广西壮族自治区玉林市容县", 4),
    Region("450922", "广西壮族自治区玉林市陆川县", 5),
    Region("450923", "广西壮族自治区玉林市博白县", 6),
    Region("511321", "四川省南充市南部县", 6),
    Region("510722", "四川省绵阳市三台县", 4),
    Region("511623", "四川省广安市邻水县", 4),
    Region("511725", "四川省达州市渠县", 5),
    Region("360121", "江西省南昌市南昌县", 4),
    Region("360731", "江西省赣州市于都县", 6),
    Region("360732", "江西省赣州市兴国县", 5),
    Region("360822", "江西省吉安市吉水县", 3),
    Region("412724", "河南省周口市太康县", 6, (("03", 0.02),)),
    Region("411323", "河南省南阳市淅川县", 4),
    Region("411721", "河南省驻马店市西平县", 3),
    Region("411526", "河南省信阳市潢川县", 4),
    Region("522425", "贵州省毕节市织金县", 5, (("06", 0.15), ("09", 0.1), ("07", 0.08))),
    Region("520221", "贵州省六盘水市水城县", 3, (("07", 0.2), ("06", 0.1), ("09", 0.1))),
    Region("522631", "贵州省黔东南苗族侗族自治州黎平县", 3, (("12", 0.7), ("06", 0.1))),
    Region("420984", "湖北省孝感市汉川市", 3),
    Region("421182", "湖北省黄冈市武穴市", 3),
    Region("421123", "湖北省黄冈市罗田县", 3),
    Region("441581", "广东省汕尾市陆丰市", 5),
    Region("441523", "广东省汕尾市陆河县", 3),
    Region("440882", "广东省湛江市雷州市", 5),
    Region("445281", "广东省揭阳市普宁市", 4),
    Region("441622", "广东省河源市龙川县", 4),
    Region("441424", "广东省梅州市五华县", 4),
    Region("440981", "广东省茂名市高州市", 5),
    Region("340321", "安徽省蚌埠市怀远县", 2),
    Region("341221", "安徽省阜阳市临泉县", 2),
    Region("500235", "重庆市云阳县", 3, (("15", 0.03),)),
    Region("500236", "重庆市奉节县", 2),
    Region("530627", "云南省昭通市镇雄县", 2, (("07", 0.05), ("06", 0.05))),
    Region("371327", "山东省临沂市莒南县", 1),
    Region("350583", "福建省泉州市南安市", 1),
    Region("610525", "陕西省渭南市澄城县", 1),
)

_CUMULATIVE = list(accumulate(r.weight for r in MIGRANT_REGIONS))

# 港澳台居民居住证 address codes and where the holder lives.
HMT_REGIONS: tuple[tuple[str, str, int], ...] = (
    ("810000", "香港特别行政区", 6),
    ("820000", "澳门特别行政区", 2),
    ("830000", "台湾地区", 3),
)


def migrant_region(rng: random.Random) -> Region:
    return rng.choices(MIGRANT_REGIONS, cum_weights=_CUMULATIVE)[0]


def ethnicity_for(rng: random.Random, region: Region) -> str:
    """Mostly 汉 (01); the region's minorities in their local share."""
    roll = rng.random()
    for code, share in region.minorities:
        if roll < share:
            return code
        roll -= share
    return "01"
