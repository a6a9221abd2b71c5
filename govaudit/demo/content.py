"""Seeded text and date generation for the demo province: titles per column category, article
paragraphs, letters (留言) and service guides (办事指南). Every function takes its own ``random.Random``
so that the output depends only on the seed string it was made from."""

from __future__ import annotations

import datetime as dt
import random

TOPICS = (
    "优化营商环境", "安全生产", "乡村振兴", "城市更新", "就业创业", "医疗保障", "生态环境保护",
    "数字政府建设", "防汛抗旱", "冬季供暖", "政务公开", "社会信用体系建设", "粮食安全", "文化旅游融合",
    "老旧小区改造", "农村人居环境整治", "义务教育", "养老服务", "科技创新", "招商引资", "森林防火",
    "食品安全", "消防安全", "河湖长制", "黑土地保护", "冰雪经济", "民营经济发展", "行政审批制度改革",
)
ACTIONS = ("开展", "做好", "加强", "推进", "组织实施", "进一步规范", "深入推进")
PLACES = ("江城市", "北山市", "云岭市", "东湖市", "江北区", "南岗县", "青松县", "白河镇")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"

# (category) -> title templates; {org} site organiser short name, {topic}, {action}, {place}, {year}, {n}
TEMPLATES: dict[str, tuple[str, ...]] = {
    "news": (
        "{org}召开{topic}工作推进会", "{org}主要负责同志调研{topic}工作", "{place}扎实推进{topic}",
        "{org}专题部署{topic}工作", "{org}举办{topic}业务培训班", "{place}{topic}工作取得阶段性成效",
        "{org}党组理论学习中心组开展专题学习", "{org}赴{place}督导检查{topic}工作",
    ),
    "notice": (
        "关于{action}{topic}工作的通知", "关于{topic}有关事项的公告", "关于{topic}专项检查结果的通报",
        "关于召开{topic}工作会议的通知", "关于{topic}项目拟立项情况的公示", "关于征集{topic}典型案例的通知",
    ),
    "policy": (
        "{org}关于印发《{topic}管理办法》的通知", "{org}关于{action}{topic}的实施意见",
        "{org}关于印发《{topic}工作方案》的通知", "{org}关于{topic}的若干措施",
    ),
    "interpretation": (
        "《{topic}管理办法》政策解读", "一图读懂《关于{action}{topic}的实施意见》",
        "关于{topic}若干措施的解读", "{org}有关负责同志就{topic}答记者问",
    ),
    "personnel": (
        "{org}关于{name}等同志职务任免的通知", "{org}{year}年公开招聘工作人员拟聘用人员公示",
        "{org}{year}年度公务员考试录用拟录用人员名单", "{org}关于干部任前公示的公告",
    ),
    "planning": (
        "{org}{year}年工作要点", "{org}{year}年上半年工作总结", "{place}{topic}专项规划",
        "{org}{year}年{topic}工作计划",
    ),
    "state_council": (
        "国务院办公厅关于{action}{topic}的意见", "国务院常务会议研究部署{topic}工作",
        "国务院关于{topic}工作情况的报告", "国务院办公厅印发《{topic}行动方案》",
    ),
    "survey": (
        "关于《{topic}管理办法（征求意见稿）》公开征求意见的公告", "{topic}工作满意度调查",
        "关于{topic}“金点子”征集活动的通知", "《{topic}实施方案（草案）》意见征集",
    ),
    "interview": (
        "{org}负责同志做客在线访谈：聚焦{topic}", "在线访谈｜{topic}政策问答", "访谈预告：{topic}热点解读",
    ),
    "data": ("{year}年{topic}统计数据", "{place}{topic}相关数据发布", "{topic}月度数据"),
    "special": ("{topic}专题", "{topic}专题活动综述", "{topic}宣传月活动"),
    "other": ("{org}{topic}工作情况", "{topic}信息公示", "{place}{topic}工作简报"),
}


def title_for(rng: random.Random, category: str, org: str, when: dt.date) -> str:
    templates = TEMPLATES.get(category) or TEMPLATES["other"]
    template = rng.choice(templates)
    return template.format(
        org=org, topic=rng.choice(TOPICS), action=rng.choice(ACTIONS), place=rng.choice(PLACES),
        year=when.year, n=rng.randint(1, 40), name=person(rng),
    )


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(["建国", "海燕", "志强", "秀英", "立新", "晓东", "丽华", "文博"])


def date_series(rng: random.Random, newest: dt.date, count: int, cadence: tuple[int, int]) -> list[dt.date]:
    """``count`` dates, newest first, going back from ``newest`` by random steps within ``cadence``."""
    out = [newest]
    for _ in range(count - 1):
        out.append(out[-1] - dt.timedelta(days=rng.randint(*cadence)))
    return out


def paragraphs(rng: random.Random, title: str, n: int = 3) -> list[str]:
    topic = rng.choice(TOPICS)
    sentences = (
        f"为深入贯彻落实党中央、国务院决策部署，进一步{rng.choice(ACTIONS)}{topic}工作，现将有关情况报告如下。",
        f"会议强调，要坚持以人民为中心的发展思想，把{topic}作为重要工作抓紧抓实。",
        f"各地各部门要压实工作责任，细化工作措施，确保{topic}各项任务落到实处。",
        f"下一步，将持续{rng.choice(ACTIONS)}{rng.choice(TOPICS)}，不断提升群众获得感和满意度。",
        f"{rng.choice(PLACES)}结合实际，创新工作方式，形成了一批可复制可推广的经验做法。",
        "相关单位负责同志参加会议。",
    )
    picked = rng.sample(sentences, k=min(n, len(sentences)))
    return [f"“{title}”相关工作情况。" + picked[0], *picked[1:]]


# ------------------------------------------------------------------------------------------------------
# letters (留言) and service guides (办事指南)

LETTER_SUBJECTS = (
    "关于小区供暖温度不达标的咨询", "关于灵活就业人员社保缴费的咨询", "关于老旧小区加装电梯的建议",
    "关于道路积水问题的反映", "关于营业执照办理时限的咨询", "关于公积金提取条件的咨询",
    "关于农村道路维修的建议", "关于公交线路调整的建议", "关于学校周边交通安全的建议",
    "关于企业开办流程的咨询", "关于医保异地就医备案的咨询", "关于噪声扰民问题的反映",
)
REPLY_UNITS = ("办公室", "政策法规处", "综合业务处", "服务中心")

GUIDE_ELEMENTS = ("事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理机构", "收费标准",
                  "办理时间", "联系电话", "办理流程")
GUIDE_ITEMS = (
    "企业投资项目备案", "建筑工程施工许可证核发", "食品经营许可", "道路运输经营许可", "失业保险金申领",
    "职业技能等级认定", "档案查阅利用", "户外广告设置许可", "医疗机构执业登记", "特种设备使用登记",
    "公共场所卫生许可", "地名命名审批",
)


def guide_values(rng: random.Random, item: str, org: str, phone: str) -> dict[str, str]:
    """Element category -> text for one guide (all 10 categories)."""
    return {
        "事项名称": item,
        "设定依据": f"《中华人民共和国行政许可法》；《示范省{item}管理办法》第{rng.randint(3, 30)}条",
        "申请条件": f"申请人应当具备与{item}相适应的条件，材料齐全、符合法定形式。",
        "办理材料": f"1.《{item}申请表》原件1份（纸质版）；2.申请人身份证明复印件1份；3.相关证明材料原件及复印件各1份。",
        "办理地点": f"示范省政务服务中心{rng.randint(1, 3)}楼{rng.randint(1, 30)}号窗口",
        "办理机构": org,
        "收费标准": "不收费",
        "办理时间": "工作日 上午9:00—12:00，下午13:30—17:00（法定节假日除外）",
        "联系电话": phone,
        "办理流程": "申请→受理→审查→决定→送达（承诺时限：5个工作日）",
    }
