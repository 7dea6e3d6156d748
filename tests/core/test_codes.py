"""Code lists and villages: the codes REFERENCE.md fixes, labels in both languages, importer matching."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared.core import codes
from shared.core.codes import CodeListError, code_list, find_code, load_villages
from shared.models.base import OrganisationStatus, VillageKind

# GB 3304, as listed in REFERENCE.md.
REFERENCE_ETHNIC_GROUPS = """
汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳
佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米
塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺
"""
ETHNIC_GROUPS = REFERENCE_ETHNIC_GROUPS.split()

FACILITY_SUBTYPES = {
    "1": "视频监控 消火栓 治安岗亭 门卫室 防冲撞 防空洞",
    "2": "交通信号灯 路牌 公交站 地铁通风口 桥梁涵洞 天桥",
    "3": "邮筒 井盖 路灯 垃圾箱(站) 公共厕所 公共停车场",
    "4": "宣传栏 广播电视设施 广场 公园 体育场馆",
    "5": "给水 排水 电力 燃气 通信 电梯 内部停车场",
    "6": "ATM机 广告牌 报刊亭 菜市场 烟囱",
}

REFERENCE_VILLAGES = "麻一 麻二 麻三 麻四 大步 新基 南洲 华阳 川槎 黎滘 漳澎 东太 鸥涌"
VILLAGE_NAMES = REFERENCE_VILLAGES.split()


def pairs(name: str) -> list[tuple[str, str]]:
    return [(c.code, c.zh) for c in code_list(name)]


@pytest.mark.parametrize("name", codes.LIST_NAMES)
def test_every_list_loads_with_both_labels(name: str) -> None:
    entries = code_list(name)
    assert entries
    assert all(c.zh and c.en for c in entries)
    assert len({c.code for c in entries}) == len(entries)


def test_ethnicity_has_the_56_groups_of_gb_3304_plus_other_and_foreign_origin() -> None:
    expected = [(f"{i:02d}", f"{zh}族") for i, zh in enumerate(ETHNIC_GROUPS, start=1)]
    assert len(expected) == 56
    assert pairs("ethnicity") == [*expected, ("97", "其他"), ("98", "外国血统中国籍人士")]
    assert codes.label("ethnicity", "05", "en") == "Uyghur"


def test_id_types_have_the_codes_other_modules_rely_on() -> None:
    assert pairs("id_type") == [
        ("01", "居民身份证"),
        ("02", "港澳台居民居住证"),
        ("03", "外国人永久居留身份证"),
        ("04", "护照"),
        ("05", "港澳居民来往内地通行证"),
        ("06", "台湾居民来往大陆通行证"),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sex", "0 未知 1 男 2 女 9 未说明"),
        ("building_use", "01 住宅 02 商业 03 办公 04 工业(厂房) 05 仓储 06 商住混用 99 其他"),
        ("building_structure", "1 钢 2 钢和钢筋混凝土 3 钢筋混凝土 4 混合 5 砖木 6 其他"),
        (
            "residence_reason",
            "11 务工 12 务农 13 经商 02 学习培训 04 婚嫁 05 随迁 09 治病疗养 10 投靠亲友 14 工作调动 99 其他",
        ),
        (
            "dwelling_type",
            "01 自购房屋 02 租赁房屋 03 寄宿 04 借住 05 单位宿舍 06 建筑工地 08 工作场所 99 其他",
        ),
        ("facility_group", "1 公共安全 2 道路交通 3 市政公用 4 公共文化 5 房屋配套 6 其他"),
    ],
)
def test_list_is_exactly_as_reference(name: str, expected: str) -> None:
    words = expected.split()
    assert pairs(name) == list(zip(words[::2], words[1::2], strict=True))


@pytest.mark.parametrize(("group", "subtypes"), FACILITY_SUBTYPES.items())
def test_each_facility_group_has_the_seeds_subtypes(group: str, subtypes: str) -> None:
    found = codes.children("facility_group", group)
    assert [c.zh for c in found] == subtypes.split()
    assert all(c.code.startswith(group) and len(c.code) == 3 for c in found)
    assert found == codes.children("facility_subtype", group)


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("101", "视频监控", "Video surveillance camera"),
        ("203", "公交站", "Bus stop"),
        ("601", "ATM机", "ATM"),
    ],
)
def test_facility_subtype_labels(code: str, zh: str, en: str) -> None:
    assert codes.label("facility_subtype", code) == zh
    assert codes.label("facility_subtype", code, "en") == en


def test_education_details_sit_under_their_level() -> None:
    assert [c.code for c in codes.children("education", "20")] == ["21", "22", "23"]
    assert [c.code for c in codes.children("education", "70")] == ["71", "73"]
    assert [c.zh for c in codes.children("education", "40")][::3] == [
        "中等专科毕业",
        "职业高中毕业",
        "技工学校毕业",
    ]
    levels = [c.code for c in code_list("education") if c.parent is None]
    assert levels == ["10", "20", "30", "40", "60", "70", "80", "90"]


def test_organisation_status_codes_match_the_model_enum() -> None:
    assert [c.code for c in code_list("organisation_status")] == [s.value for s in OrganisationStatus]


def test_nationality_covers_greater_china_and_common_foreign_countries() -> None:
    present = {c.code for c in code_list("nationality")}
    assert {"CHN", "HKG", "MAC", "TWN", "VNM", "MMR", "IND", "NGA", "USA", "GBR", "KOR", "RUS"} <= present
    assert len(present) >= 44
    assert all(len(c) == 3 and c.isascii() and c.isupper() for c in present)


@pytest.mark.parametrize(
    ("name", "code", "lang", "shown"),
    [
        ("sex", "1", "zh", "男"),
        ("sex", "2", "en", "Female"),
        ("sex", "2", "en-GB", "Female"),
        ("id_type", "04", "en", "Passport"),
        ("sex", "7", "zh", "7"),  # an unknown stored code shows as itself
        ("sex", None, "en", ""),
        ("sex", "", "zh", ""),
    ],
)
def test_label_shows_the_code_in_the_pages_language(
    name: str, code: str | None, lang: str, shown: str
) -> None:
    assert codes.label(name, code, lang) == shown


def test_bilingual_label_puts_chinese_first() -> None:
    assert codes.bilingual("sex", "1") == "男 Male"
    assert codes.bilingual("ethnicity", "01") == "汉族 Han"
    assert codes.bilingual("sex", "x") == "x"


def test_exact_lookups() -> None:
    assert codes.get_code("building_use", "04") == codes.find_code("building_use", "工业(厂房)")
    assert codes.is_valid_code("building_use", "04")
    assert not codes.is_valid_code("building_use", "4")  # stored codes are exact; only find_code pads
    assert codes.get_code("building_use", "42") is None


def test_unknown_list_name_is_a_key_error_naming_the_lists() -> None:
    with pytest.raises(KeyError, match=r"unknown code list 'gender'.*sex"):
        code_list("gender")


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("ethnicity", "汉", "01"),
        ("ethnicity", "汉族", "01"),
        ("ethnicity", "Han", "01"),
        ("ethnicity", "han ", "01"),
        ("ethnicity", "01", "01"),
        ("ethnicity", "1", "01"),  # a spreadsheet dropped the leading zero
        ("ethnicity", "０１", "01"),  # full-width digits from a Chinese input method
        ("ethnicity", "土", "30"),  # not 土家 (15)
        ("ethnicity", "土家", "15"),
        ("ethnicity", "外国血统中国籍人士", "98"),
        ("sex", "男", "1"),
        ("sex", "female", "2"),
        ("sex", "M", "1"),  # passports and foreign HR exports write M/F: accepted as aliases
        ("sex", "f", "2"),
        ("id_type", "护照", "04"),
        ("id_type", "4", "04"),
        ("building_use", "工业（厂房）", "04"),  # full-width brackets
        ("residence_reason", "2", "02"),
        ("facility_subtype", "Fire Hydrant", "102"),
        ("organisation_status", "在营", "operating"),
        ("organisation_status", "注销", "closed"),
        ("nationality", "vnm", "VNM"),
        ("nationality", "越南", "VNM"),
        ("nationality", "UK", "GBR"),
        ("nationality", "Hong Kong", "HKG"),
        ("nationality", "香港", "HKG"),
    ],
)
def test_find_code_matches_what_people_write(name: str, text: str, code: str) -> None:
    found = find_code(name, text)
    assert found is not None
    assert found.code == code


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("ethnicity", ""),
        ("ethnicity", "   "),
        ("ethnicity", "汉人"),
        ("ethnicity", "001"),
        ("ethnicity", "Ha"),
        ("sex", "man"),
        ("sex", "3"),
        ("id_type", "身份证号"),
        ("nationality", "Atlantis"),
    ],
)
def test_find_code_never_guesses(name: str, text: str) -> None:
    assert find_code(name, text) is None


def test_villages_are_麻涌s_13_village_committees_and_2_placeholder_communities() -> None:
    villages = load_villages()
    by_kind = {kind: [v for v in villages if v.kind is kind] for kind in VillageKind}
    assert [v.name for v in by_kind[VillageKind.VILLAGE]] == [f"{n}村" for n in VILLAGE_NAMES]
    communities = by_kind[VillageKind.COMMUNITY]
    assert len(communities) == 2
    assert all("示例" in v.name and "demo" in v.name_en and not v.confirmed for v in communities)
    assert {v.code for v in communities} == {"441900126001", "441900126002"}


def test_village_codes_confirmed_in_reference_are_exact_and_all_codes_unique() -> None:
    villages = load_villages()
    by_name = {v.name: v for v in villages}
    confirmed = {"麻一村": "441900126200", "东太村": "441900126205", "鸥涌村": "441900126208"}
    assert {name: by_name[name].code for name in confirmed} == confirmed
    assert {v.name for v in villages if v.confirmed} == set(confirmed)
    assert len({v.code for v in villages}) == len(villages)
    assert all(v.code.startswith("441900126") and len(v.code) == 12 for v in villages)
    assert by_name["麻一村"].name_en == "Mayi"
    assert all(v.police_station and v.police_phone.startswith("0769-") for v in villages)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


GROUPS = "code,zh,en\n1,公共安全,Public security\n2,道路交通,Road traffic\n"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("sex", "code,zh,en\n1,男,Male\n1,女,Female\n", "line 3: duplicate code '1' (first on line 2)"),
        ("sex", "code,zh,en\n1,男,\n", "line 2: code '1' has no en label"),
        ("sex", "code,zh\n1,男\n", "header 'code,zh' is wrong"),
        ("sex", "code,zh,en,colour\n1,男,Male,blue\n", "header 'code,zh,en,colour' is wrong"),
        ("sex", "code,zh,en\n1,男,Male,extra\n", "line 2: expected 3 fields"),
        ("sex", "code,zh,en\n", "no entries"),
        ("sex", "code,zh,en\n1,男,Male\n2,女,male\n", "'male' would match both '1' and '2'"),
        (
            "facility_subtype",
            "code,zh,en,parent\n101,消火栓,Fire hydrant,7\n",
            "parent '7' of '101' is not in",
        ),
        ("facility_subtype", "code,zh,en,parent\n101,消火栓,Fire hydrant,\n", "code '101' has no parent"),
        (
            "education",
            "code,zh,en,parent\n20,本科,Bachelor,\n21,毕业,Graduated,20\n22,x,y,21\n",
            "parent '21'",
        ),
    ],
)
def test_malformed_code_list_is_refused_at_load(tmp_path: Path, name: str, text: str, message: str) -> None:
    write(tmp_path, "facility_group.csv", GROUPS)
    write(tmp_path, f"{name}.csv", text)
    with pytest.raises(CodeListError, match=re.escape(message)):
        code_list(name, tmp_path)


def test_missing_code_list_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CodeListError, match=re.escape("sex.csv: file not found")):
        code_list("sex", tmp_path)


VILLAGE_HEADER = "code,name,name_en,kind,police_station,police_phone,confirmed\n"
GOOD_ROW = "441900126200,麻一村,Mayi,village,麻涌分局,0769-88221110,yes\n"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (GOOD_ROW + GOOD_ROW.replace("麻一村", "麻二村"), "duplicate '441900126200'"),
        (GOOD_ROW.replace("441900126200", "441900127200"), "not 12 digits starting 441900126"),
        (GOOD_ROW.replace("200", "001"), "does not fit kind village"),
        (GOOD_ROW.replace("village", "town"), "kind 'town' is not village or community"),
        (GOOD_ROW.replace("yes", "maybe"), "confirmed must be yes or no"),
        (GOOD_ROW.replace("0769-88221110", "88221110"), "is not like 0769-12345678"),
    ],
)
def test_malformed_villages_file_is_refused(tmp_path: Path, rows: str, message: str) -> None:
    path = write(tmp_path, "villages.csv", VILLAGE_HEADER + rows)
    with pytest.raises(CodeListError, match=message):
        load_villages(path)
