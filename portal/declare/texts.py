"""The texts a declarant reads and accepts: the privacy notice (个人信息告知) and the landlord's
security responsibility pledge (治安责任书). Kept apart from the page code so they can be
reviewed and changed by the town without touching a page."""

from portal.ui.i18n import t

# 个人信息保护法 第十七条: tell people who processes what, for what, how long, and their rights.
PRIVACY_NOTICE_ZH = (
    "**个人信息告知**\n"
    "\n"
    "1. **收集内容**：您和随行人员的姓名、性别、民族、出生日期、"
    "证件类型和号码、户籍地址、文化程度、联系电话、工作单位、居住房间和日期。\n"
    "2. **用途**：仅用于麻涌镇实有人口和出租屋服务管理"
    "（依据《居住证暂行条例》《广东省流动人口服务管理条例》），由所在网格员和派出所核实。\n"
    "3. **保护**：证件号码和电话加密保存，工作人员查看完整号码会留下记录；"
    "不会向房东或其他人公开您的完整信息。\n"
    "4. **保存期限**：搬离后按规定期限保存，期满删除或匿名化。\n"
    "5. **您的权利**：可凭回执码查询、更正或办理搬离；"
    "如有疑问请联系网格员或派出所。\n"
    "6. 为未满14周岁的子女申报，视为您作为监护人同意。"
)

PRIVACY_NOTICE_EN = """\
**Privacy notice**

1. **What we collect**: name, sex, ethnic group, birth date, document type and number,
   household-registration address, education, phone, employer, room and dates, for you and the
   family members you list.
2. **Why**: only for Mayong's management of residents and rented housing (Residence Permit
   Regulations; Guangdong Regulations on Migrant Population Services), checked by your grid officer
   and the police station.
3. **Protection**: document numbers and phones are stored encrypted; an officer reading a full
   number is logged; your details are not shown in full to the landlord or anyone else.
4. **Retention**: kept for the period the rules set after you move out, then deleted or anonymised.
5. **Your rights**: with your receipt code you can see, correct or end the declaration; ask the grid
   officer or the police station if in doubt.
6. Declaring a child under 14 means you consent as the guardian."""

# 租赁房屋治安管理规定 (公安部令第24号) 第七条: the landlord's duties; 个人信息保护法 第十七条: the
# tenants he declares are told, through him, what happens to their details (item 7).
PLEDGE_ZH = (
    "**出租房屋治安责任书**\n"
    "\n"
    "本人作为出租人（管理人），承诺：\n"
    "\n"
    "1. 不将房屋出租给无合法有效身份证件的人员；登记承租人的姓名、"
    "证件种类和号码等情况，并在租客入住后及时申报。\n"
    "2. 发现承租人有违法犯罪活动或嫌疑，及时报告公安机关。\n"
    "3. 对出租房屋经常进行安全检查，及时发现和排除不安全隐患，"
    "保障承租人的居住安全（消防、用电、燃气）。\n"
    "4. 不擅自改变房屋用途；不将房屋用于生产、储存、经营易燃易爆等危险物品。\n"
    "5. 租客搬离、合同解除或终止时，及时办理搬离申报。\n"
    "6. 所填内容真实；如有虚假，愿承担相应法律责任。\n"
    "7. 已告知所登记的租客：其姓名、证件号码、联系电话等信息报送所在网格员和派出所，"
    "仅用于实有人口和出租屋服务管理，证件号码和电话加密保存；"
    "租客可凭本回执码和本人证件号码后6位查询自己的登记。"
)

PLEDGE_EN = """\
**Security responsibility pledge for rented housing**

As the landlord (or manager) I undertake:

1. not to let to anyone without a valid identity document; to record each tenant's name, document
   type and number, and declare them promptly after they move in;
2. to report to the police any criminal activity or suspicion of it among the tenants;
3. to inspect the rooms regularly and remove hazards, keeping tenants safe (fire, electricity, gas);
4. not to change the use of the rooms without approval, nor use them to make, store or sell
   flammable, explosive or other dangerous goods;
5. to declare the move-out promptly when a tenant leaves or the lease ends;
6. that what I declare is true; I accept the legal consequences of any false statement;
7. that I have told the tenants I declare that their name, document number, phone and other
   details go to the grid officer and the police station, only for the management of residents
   and rented housing, with document numbers and phones stored encrypted, and that each of them
   can see their own registration with this receipt code and the last 6 characters of their own
   number."""


def privacy_notice() -> str:
    return t(PRIVACY_NOTICE_ZH, PRIVACY_NOTICE_EN)


def pledge() -> str:
    return t(PLEDGE_ZH, PLEDGE_EN)
