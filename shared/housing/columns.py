"""房屋登记表的列: the columns of a housing register, with the names offices give them.

`match_columns` (shared.core.tables) finds them in a file's header by these names and aliases.
"""

from __future__ import annotations

from shared.core.codes import code_list
from shared.core.table_columns import Column

_USES = "、".join(f"{c.code} {c.zh}" for c in code_list("building_use"))
_USES_EN = ", ".join(f"{c.code} {c.en}" for c in code_list("building_use"))

COLUMNS: tuple[Column, ...] = (
    Column("plate_code", "门牌编码", "plate code", True,
           ("门牌码", "门楼牌编码", "标准地址编码", "地址编码", "plate"),
           "the standard address code of an active door plate"),
    Column("building_name", "楼栋名称", "building name", False,
           ("楼栋", "楼栋名", "建筑名称", "building"),
           "blank: the plate's only building (or its unnamed one); a new name creates the building"),
    Column("room_number", "房号", "room number", True,
           ("房间号", "户室号", "室号", "room", "room no"),
           "e.g. 301 (a trailing 室 is dropped)"),
    Column("floor", "楼层", "floor", False,
           ("所在楼层", "room floor"),
           "whole number, e.g. 3 or -1; blank: from the room number (301 → 3), existing rooms keep theirs"),
    Column("area_m2", "面积", "area", False,
           ("面积(㎡)", "面积(m2)", "面积(平方米)", "建筑面积", "使用面积",
            "area m2", "area (m²)", "floor area"),
           "square metres, e.g. 35.5 (a trailing ㎡, m2 or 平方米 is dropped)"),
    Column("use", "用途", "use", True,
           ("房屋用途", "使用用途", "usage"),
           f"code or label, Chinese or English: {_USES_EN}"),
    Column("is_rental", "是否出租", "rental", True,
           ("出租", "是否出租屋", "出租屋", "rented", "is rental", "rental flag"),
           "是/否, yes/no, Y/N, 1/0, true/false (also 出租/不出租)"),
    Column("owner_name", "业主姓名", "owner name", True,
           ("业主", "产权人", "产权人姓名", "房主", "房主姓名", "owner"),
           "as on the identity document"),
    Column("owner_id_type", "业主证件类型", "owner id type", False,
           ("证件类型", "产权人证件类型", "id type"),
           "code or label of the document type; blank: 01 居民身份证, or 02 港澳台居民居住证 for a number "
           "starting 810000, 820000 or 830000"),
    Column("owner_id_number", "业主证件号码", "owner id number", True,
           ("业主身份证号", "业主身份证号码", "身份证号", "身份证号码", "证件号码", "产权人证件号码",
            "产权人身份证号", "owner id", "id number"),
           "checked (GB 11643 check character for identity cards); format the Excel column as text"),
    Column("owner_birth_date", "业主出生日期", "owner birth date", False,
           ("出生日期", "birth date", "date of birth"),
           "YYYY-MM-DD; needed for passports and travel permits (other numbers carry it)"),
    Column("owner_sex", "业主性别", "owner sex", False,
           ("性别", "sex", "gender"),
           "男/女, M/F, 1/2; blank: from the identity number, else unknown"),
    Column("owner_nationality", "业主国籍", "owner nationality", False,
           ("国籍", "nationality"),
           "ISO alpha-3 code or name; needed for passports, otherwise from the document"),
    Column("owner_phone", "业主电话", "owner phone", True,
           ("业主联系电话", "业主手机", "联系电话", "电话", "手机", "手机号码", "产权人电话",
            "phone", "owner mobile"),
           "mobile, or landline with area code (0769-…); the column is required, a cell may be blank"),
)  # fmt: skip
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
