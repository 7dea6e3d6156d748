"""Name pools for the demo town: people, organisations, streets.

Chinese names follow the common-surname distribution; Mayong's own villages lean on the
Cantonese lineages that founded them (陈 黎 莫 袁 郭 萧 …). Foreigners carry the
upper-case Latin names of their passports. Only lists of plain strings here, so the
draws depend on nothing but the random generator's state.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from itertools import accumulate

# Surnames of Mayong's village lineages, weighted (a village's own clans dominate it).
LOCAL_SURNAMES: dict[str, int] = {
    "陈": 30, "黎": 12, "莫": 10, "袁": 8, "郭": 8, "萧": 6, "邓": 5, "卢": 5, "何": 4,
    "梁": 4, "李": 3, "黄": 3, "钟": 2, "叶": 2, "蔡": 1,
}  # fmt: skip

# The common surnames of the whole country, weighted roughly by frequency.
NATIONAL_SURNAMES: dict[str, int] = {
    "王": 72, "李": 71, "张": 68, "刘": 52, "陈": 45, "杨": 32, "黄": 25, "赵": 20, "吴": 20,
    "周": 19, "徐": 15, "孙": 15, "马": 13, "朱": 13, "胡": 12, "郭": 11, "何": 11, "高": 10,
    "林": 10, "罗": 10, "郑": 9, "梁": 9, "谢": 7, "宋": 7, "唐": 7, "许": 6, "韩": 6,
    "冯": 6, "邓": 6, "曹": 6, "彭": 6, "曾": 5, "肖": 5, "田": 5, "董": 5, "袁": 5, "潘": 5,
    "于": 5, "蒋": 5, "蔡": 5, "余": 5, "杜": 4, "叶": 4, "程": 4, "苏": 4, "魏": 4, "吕": 4,
    "丁": 4, "任": 4, "沈": 4, "姚": 4, "卢": 4, "姜": 3, "崔": 3, "钟": 3, "谭": 3, "陆": 3,
    "汪": 3, "范": 3, "金": 3, "石": 3, "廖": 3, "贾": 3, "夏": 3, "韦": 3, "付": 3, "方": 3,
    "白": 3, "邹": 3, "孟": 3, "熊": 3, "秦": 3, "邱": 3, "江": 3, "尹": 2, "薛": 2, "段": 2,
    "雷": 2, "侯": 2, "龙": 2, "史": 2, "陶": 2, "黎": 2, "贺": 2, "顾": 2, "毛": 2, "郝": 2,
    "龚": 2, "邵": 2, "万": 2, "覃": 2, "向": 2, "汤": 2, "莫": 1, "欧阳": 1, "司马": 1,
}  # fmt: skip


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Given names change with the generations: 建国 and 秀英 are born before 1975, 梓涵 after 1995.
GIVEN_NAMES: dict[tuple[str, bool], tuple[str, ...]] = {
    ("old", True): _words(
        "国强 建国 建华 志强 国平 建军 卫东 新华 振华 德华 荣华 永强 志明 海涛 文华 庆华 少华 伟明 "
        "国荣 锦荣 汉文 耀华 金华 春生 立新 建平 国庆 树林 永福 炳坤 润生 伟 强 明 军"
    ),
    ("old", False): _words(
        "秀英 桂英 秀兰 玉兰 丽华 淑芬 春梅 海燕 小红 雪梅 美华 翠华 少芬 惠芳 玉珍 凤英 月娥 金凤 "
        "红梅 艳芳 丽君 秀珍 桂芳 玉梅 秀梅 彩霞 丽娟 素珍 巧玲 银好 芳 英 兰 珍"
    ),
    ("mid", True): _words(
        "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 辉 鹏 飞 波 俊杰 文杰 海波 宏伟 晓东 明辉 志刚 鹏飞 建伟 "
        "伟东 俊辉 家豪 家乐 锦辉 展鹏 少锋 伟健 志华 永健 国栋 海军 小军 晓峰 伟杰 嘉俊 文斌 志勇"
    ),
    ("mid", False): _words(
        "芳 娜 敏 静 丽 艳 娟 霞 燕 婷 倩 颖 丽娟 晓燕 婷婷 晓丽 丽萍 美玲 慧敏 雅婷 嘉欣 晓琳 小燕 "
        "丽芳 秀玲 艳红 玉婷 春燕 彩云 晓红 凤娇 佩珊 咏诗 小敏 晓敏 丽婷 金燕 海霞"
    ),
    ("young", True): _words(
        "子轩 浩然 宇航 梓豪 睿泽 博文 思远 一鸣 天宇 浩宇 俊豪 泽宇 晨阳 铭轩 子豪 宇轩 浩轩 梓睿 "
        "嘉豪 俊熙 子墨 奕辰 皓轩 文博 明哲 宇 浩 轩 睿 杰 俊宇 家铭"
    ),
    ("young", False): _words(
        "雨涵 欣怡 梓涵 诗涵 可欣 佳怡 思琪 梦瑶 紫涵 一诺 佳琪 子怡 雨欣 紫萱 芷晴 心怡 若曦 欣妍 "
        "诗琪 语嫣 雨桐 梓萱 可馨 思彤 晓彤 芊芊 欣 怡 萱 涵 嘉琪 慧琳"
    ),
}

# Hong Kong, Macao and Taiwan given names, written as on their permits.
HMT_SURNAMES: dict[str, int] = {"陈": 8, "李": 6, "黄": 6, "张": 5, "梁": 4, "林": 4, "刘": 3, "吴": 3}
HMT_MALE_GIVEN = _words("家豪 志明 俊杰 伟文 国华 嘉伟 子健 建宏 冠宇 承恩 柏霖 耀祖")
HMT_FEMALE_GIVEN = _words("嘉欣 淑芬 美玲 咏诗 雅婷 慧敏 佩珊 怡君 宝仪 诗琪 欣妤 丽华")

# Passport-style names: (surnames, male given names, female given names) per nationality.
FOREIGN_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "VNM": (
        ("NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "HUYNH", "VU", "VO", "DANG", "BUI", "DO"),
        ("VAN AN", "VAN BINH", "VAN CUONG", "VAN HUNG", "MINH TUAN", "DUC THANH", "QUANG HAI", "VAN LONG"),
        ("THI HOA", "THI LAN", "THI MAI", "THI HUONG", "NGOC ANH", "THU TRANG", "THI THAO", "THI NGA"),
    ),
    "MMR": (
        ("AUNG", "KYAW", "ZAW", "MYO", "THAN", "HLA", "MYA", "THIN", "SU"),
        ("KYAW MIN", "ZAW OO", "MIN HTET", "NAING", "TUN LIN", "HTAY WIN"),
        ("MYA THEIN", "HLA WIN", "THIN AYE", "SU HLAING", "EI PHYU", "NWE NI"),
    ),
    "KOR": (
        ("KIM", "LEE", "PARK", "CHOI", "JUNG", "KANG", "CHO", "YOON"),
        ("MINJUN", "SEOJUN", "DOYUN", "JIHO", "HYUNWOO", "SUNGHO"),
        ("SEOYEON", "JIWOO", "HAYOON", "MINSEO", "JIYOUNG", "EUNJI"),
    ),
    "IND": (
        ("SINGH", "KUMAR", "SHARMA", "PATEL", "GUPTA", "REDDY"),
        ("RAJESH", "AMIT", "RAHUL", "SURESH", "VIKRAM", "ARJUN"),
        ("PRIYA", "ANJALI", "DEEPA", "KAVYA", "NEHA", "POOJA"),
    ),
    "NGA": (
        ("OKAFOR", "ADEYEMI", "IBRAHIM", "EZE", "OKONKWO", "BELLO"),
        ("CHUKWUEMEKA", "OLUWASEUN", "MUSA", "EMEKA", "TUNDE", "IFEANYI"),
        ("CHIOMA", "NGOZI", "AMINA", "FUNMILAYO", "ADAEZE", "BLESSING"),
    ),
    "PAK": (("KHAN", "AHMED", "ALI", "HUSSAIN"), ("IMRAN", "BILAL", "USMAN", "FAISAL"), ("AYESHA", "FATIMA")),
    "PHL": (
        ("SANTOS", "REYES", "CRUZ", "GARCIA", "BAUTISTA"),
        ("JOSE", "MARK ANTHONY", "JOHN PAUL", "RICARDO"),
        ("MARIA", "JOY", "KRISTINE", "ANGELICA"),
    ),
    "LAO": (("PHOMMA", "SOUVANNA", "KEOLA"), ("SOMSAK", "BOUNMY", "KHAMPHONE"), ("SOUKSAVANH", "NOY")),
    "THA": (("SRISAI", "WONGSA", "CHAIYAPORN"), ("SOMCHAI", "ANAN", "NIRAN"), ("SUDA", "MALEE", "PORNTIP")),
    "JPN": (("SATO", "SUZUKI", "TAKAHASHI", "TANAKA"), ("HIROSHI", "TAKUYA", "KENJI"), ("YUKI", "AYAKA")),
    "USA": (("SMITH", "JOHNSON", "BROWN", "MILLER"), ("JAMES", "MICHAEL", "DAVID"), ("JENNIFER", "EMILY")),
    "GBR": (("TAYLOR", "WILSON", "EVANS", "WRIGHT"), ("OLIVER", "GEORGE", "HARRY"), ("CHARLOTTE", "SOPHIE")),
}

# Words for company names: two of these make a trade name (鸿达, 华美 …).
BRAND_CHARS = _words(
    "华 美 鸿 达 宏 利 鑫 盛 顺 发 永 恒 丰 源 泰 安 嘉 信 诚 德 富 隆 兴 旺 晟 辉 瑞 新 宝 "
    "金 银 海 天 广 联 合 正 通 捷 创 科 力 强 豪 群 益 佳 成 裕 昌 荣 凯 骏 腾 远 景 和"
)
FACTORY_TRADES = (
    "纸业", "包装材料", "五金制品", "塑胶制品", "电子科技", "食品", "粮油工业", "饲料", "家具",
    "化工", "服装", "鞋业", "印刷", "机械设备", "模具", "环保材料", "建材", "电线电缆", "玩具",
)  # fmt: skip
LOGISTICS_TRADES = ("物流", "仓储服务", "货运代理", "供应链管理", "冷链物流")
OFFICE_TRADES = ("贸易", "咨询服务", "企业管理", "信息技术", "人力资源", "装饰工程", "物业管理", "房地产中介")
SHOP_KINDS = (
    "士多店", "便利店", "五金店", "理发店", "快餐店", "烧腊店", "粥粉面店", "手机维修店", "水果店",
    "药店", "服装店", "美容店", "茶餐厅", "电动车维修店", "日用百货店", "凉茶铺", "干洗店", "文具店",
)  # fmt: skip

# Street words: a village's lanes take its short name (麻一 + 一巷), its roads these endings.
LANE_NUMERALS = _words("一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十")
STREET_ENDINGS = (
    "大街", "北街", "南街", "东街", "西街", "新村路", "工业路", "环村路", "市场路", "文化路",
    "中心路", "围仔街", "基围路", "涌边路", "祠堂街", "新街", "横街", "坊", "里",
)  # fmt: skip
# Through roads of the town, placed in the villages they cross (names after Mayong's own).
MAIN_ROADS: dict[str, tuple[str, ...]] = {
    "麻一村": ("麻涌大道", "古梅路"),
    "麻二村": ("麻涌大道", "新港路"),
    "麻三村": ("麻涌大道", "文化广场路"),
    "麻四村": ("麻涌大道", "沿江路"),
    "大步村": ("大步大道", "沿江路"),
    "新基村": ("新基路", "华阳湖路"),
    "南洲村": ("南洲大道", "沿江路"),
    "华阳村": ("华阳湖路", "湿地公园路"),
    "川槎村": ("川槎路", "沿江路"),
    "黎滘村": ("黎滘大道", "黎滘工业路"),
    "漳澎村": ("漳澎大道", "新沙路"),
    "东太村": ("东太工业路", "东太大道"),
    "鸥涌村": ("鸥涌大道", "新沙路"),
}


def weighted_picker(weights: dict[str, int]) -> tuple[list[str], list[int]]:
    """Population and cumulative weights for `rng.choices(..., cum_weights=...)` (fast draws)."""
    return list(weights), list(accumulate(weights.values()))


_LOCAL = weighted_picker(LOCAL_SURNAMES)
_NATIONAL = weighted_picker(NATIONAL_SURNAMES)
_HMT = weighted_picker(HMT_SURNAMES)


def local_surname(rng: random.Random) -> str:
    return rng.choices(_LOCAL[0], cum_weights=_LOCAL[1])[0]


def national_surname(rng: random.Random) -> str:
    return rng.choices(_NATIONAL[0], cum_weights=_NATIONAL[1])[0]


def generation(born_year: int | None) -> str:
    if born_year is None:
        return "mid"
    return "old" if born_year < 1975 else "mid" if born_year < 1995 else "young"


def given_name(rng: random.Random, *, is_male: bool, born_year: int | None = None) -> str:
    """A given name common for the person's sex and generation."""
    return pick(rng, GIVEN_NAMES[(generation(born_year), is_male)])


def chinese_name(
    rng: random.Random,
    *,
    is_male: bool,
    born_year: int | None = None,
    surname: str | None = None,
    local: bool = False,
) -> str:
    """A full name; `surname` keeps a family's name, `local` draws from Mayong's lineages."""
    if surname is None:
        surname = local_surname(rng) if local else national_surname(rng)
    return surname + given_name(rng, is_male=is_male, born_year=born_year)


def hmt_name(rng: random.Random, *, is_male: bool) -> str:
    """A Hong Kong, Macao or Taiwan resident's name."""
    surname = rng.choices(_HMT[0], cum_weights=_HMT[1])[0]
    return surname + rng.choice(HMT_MALE_GIVEN if is_male else HMT_FEMALE_GIVEN)


def foreign_name(rng: random.Random, nationality: str, *, is_male: bool) -> str:
    """SURNAME GIVEN as printed in the passport's machine-readable zone."""
    surnames, male, female = FOREIGN_NAMES[nationality]
    return f"{rng.choice(surnames)} {rng.choice(male if is_male else female)}"


def trade_name(rng: random.Random) -> str:
    first, second = rng.sample(BRAND_CHARS, 2)
    return first + second


def short_village_name(name: str) -> str:
    """`麻一村` → `麻一`, `麻涌社区(示例)` → `麻涌`: the stem street names are built from."""
    stem = name.split("(")[0].split("（")[0]
    for suffix in ("社区", "村"):
        if stem.endswith(suffix):
            return stem[: -len(suffix)]
    return stem


def street_names(rng: random.Random, village_name: str, count: int) -> list[str]:
    """`count` distinct street names for one village: its through roads, then its own streets
    and numbered lanes (麻一一巷 …), shuffled apart from the roads so every village differs."""
    stem = short_village_name(village_name)
    roads = list(MAIN_ROADS.get(village_name, (f"{stem}大道",)))
    own = [stem + ending for ending in STREET_ENDINGS]
    rng.shuffle(own)
    lanes = [f"{stem}{numeral}巷" for numeral in LANE_NUMERALS]
    names = list(dict.fromkeys(roads + own[:8] + lanes + own[8:]))
    if len(names) < count:  # very large villages: side lanes of the lanes (麻一一巷横一巷)
        names.extend(f"{lane}横{numeral}巷" for lane in lanes for numeral in LANE_NUMERALS)
    if len(names) < count:
        raise ValueError(f"{village_name}: cannot name {count} streets")
    return names[:count]


def pick(rng: random.Random, items: Sequence[str]) -> str:
    return items[rng.randrange(len(items))]
