"""Fixed vocabularies of the sample trading company: places, industries, products, people.

Everything here is plain data; the generator draws from it with a seeded random generator.
The company is a trading company (贸易公司) based in 深圳, 广东.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

HOME_REGION = "广东"
HOME_CITY = "深圳"

# nature 性质 (as written in the company's system) -> (share of customers, business type 业务类型)
NATURES: dict[str, tuple[float, str]] = {
    "普通公司": (0.55, "企业"),
    "个人": (0.17, "个人"),
    "伙伴": (0.10, "企业"),
    "特殊公司": (0.08, "企业"),
    "政府机构": (0.10, "政府"),
}

# industry 行业 -> (weight among companies, words used in company names)
INDUSTRIES: dict[str, tuple[float, tuple[str, ...]]] = {
    "制造业": (0.20, ("精密制造", "机械设备", "电子", "五金制品")),
    "零售": (0.10, ("商贸", "百货", "连锁超市")),
    "建筑": (0.09, ("建设工程", "建筑装饰", "市政工程")),
    "医疗": (0.06, ("医疗器械", "医药", "健康科技")),
    "教育": (0.05, ("教育科技", "培训", "文化传播")),
    "物流": (0.08, ("物流", "供应链管理", "货运代理")),
    "餐饮": (0.07, ("餐饮管理", "食品", "酒店管理")),
    "能源": (0.05, ("新能源", "能源科技", "电力工程")),
    "金融": (0.05, ("投资", "融资租赁", "资产管理")),
    "信息技术": (0.12, ("信息技术", "软件", "网络科技", "数据科技")),
    "农业": (0.04, ("农业科技", "生态农业", "农产品")),
    "房地产": (0.05, ("置业", "物业管理", "房地产开发")),
    "批发": (0.04, ("贸易", "进出口", "商行")),
}
GOVERNMENT_INDUSTRIES: dict[str, float] = {"政府机关": 0.70, "教育": 0.18, "医疗": 0.12}
GOVERNMENT_AGENCIES = (
    "教育局",
    "卫生健康局",
    "交通运输局",
    "财政局",
    "税务局",
    "人民医院",
    "第一中学",
    "实验小学",
    "公安分局",
    "城市管理局",
    "街道办事处",
    "疾病预防控制中心",
    "图书馆",
    "职业技术学院",
)
DISTRICTS = ("南山区", "福田区", "罗湖区", "宝安区", "龙岗区", "龙华区", "天河区", "越秀区", "")


class Place(NamedTuple):
    """A province (地区) and city (城市) with its weight among customers."""

    region: str
    city: str
    weight: float


# Home region first, then neighbouring provinces, then far ones.
PLACES: tuple[Place, ...] = (
    Place("广东", "深圳", 0.38),
    Place("广东", "广州", 0.08),
    Place("广东", "东莞", 0.07),
    Place("广东", "佛山", 0.04),
    Place("广东", "惠州", 0.03),
    Place("广东", "珠海", 0.02),
    Place("广东", "中山", 0.02),
    Place("广东", "汕头", 0.01),
    Place("广西", "南宁", 0.025),
    Place("福建", "厦门", 0.025),
    Place("福建", "福州", 0.015),
    Place("湖南", "长沙", 0.03),
    Place("江西", "南昌", 0.015),
    Place("海南", "海口", 0.015),
    Place("上海", "上海", 0.03),
    Place("北京", "北京", 0.025),
    Place("浙江", "杭州", 0.025),
    Place("江苏", "苏州", 0.02),
    Place("江苏", "南京", 0.01),
    Place("四川", "成都", 0.02),
    Place("湖北", "武汉", 0.02),
    Place("重庆", "重庆", 0.01),
    Place("山东", "青岛", 0.01),
    Place("河南", "郑州", 0.01),
    Place("陕西", "西安", 0.01),
    Place("天津", "天津", 0.005),
    Place("辽宁", "沈阳", 0.005),
    Place("黑龙江", "哈尔滨", 0.004),
    Place("云南", "昆明", 0.006),
    Place("新疆", "乌鲁木齐", 0.003),
)


class Category(NamedTuple):
    """A product category: its margin on list price and typical quantity per line."""

    name: str
    margin: float
    base_qty: float
    products: tuple[tuple[str, float], ...]  # (product name, list unit price in CNY)


CATEGORIES: tuple[Category, ...] = (
    Category(
        "办公用品",
        0.26,
        40,
        (
            ("A4复印纸 70g 500张", 24.5),
            ("中性笔 0.5mm 12支", 18.0),
            ("文件夹 A4", 6.8),
            ("硒鼓 HP 88A", 320.0),
            ("订书机 标准型", 22.0),
            ("便利贴 76x76", 4.5),
        ),
    ),
    Category(
        "电子产品",
        0.12,
        4,
        (
            ("笔记本电脑 14英寸", 5299.0),
            ("显示器 27英寸", 1299.0),
            ("激光打印机", 1680.0),
            ("无线键鼠套装", 159.0),
            ("投影仪", 3599.0),
            ("平板电脑", 2999.0),
        ),
    ),
    Category(
        "工业耗材",
        0.20,
        60,
        (
            ("切削液 18L", 268.0),
            ("砂轮片 100mm", 3.2),
            ("焊丝 1.0mm 15kg", 198.0),
            ("工业润滑油 4L", 135.0),
            ("扎带 200条", 12.0),
            ("螺丝套装", 45.0),
        ),
    ),
    Category(
        "劳保用品",
        0.30,
        50,
        (
            ("劳保手套 12双", 28.0),
            ("安全帽", 35.0),
            ("防护口罩 50只", 39.0),
            ("劳保鞋", 128.0),
            ("反光背心", 15.0),
            ("防护眼镜", 18.0),
        ),
    ),
    Category(
        "食品饮料",
        0.18,
        20,
        (
            ("矿泉水 550ml*24", 32.0),
            ("茶叶礼盒", 388.0),
            ("咖啡豆 1kg", 168.0),
            ("中秋月饼礼盒", 268.0),
            ("坚果礼盒", 158.0),
            ("饮料 330ml*24", 58.0),
        ),
    ),
    Category(
        "家具",
        0.28,
        3,
        (
            ("办公椅 人体工学", 899.0),
            ("办公桌 1.4m", 1280.0),
            ("文件柜 钢制", 760.0),
            ("会议桌 3.6m", 4200.0),
            ("沙发 三人位", 3600.0),
        ),
    ),
    Category(
        "收藏品",
        0.35,
        1,
        (
            ("紫砂壶 名家", 12800.0),
            ("邮票年册", 1880.0),
            ("纪念币套装", 3200.0),
            ("字画 复制品", 6800.0),
            ("玉石摆件", 18800.0),
        ),
    ),
    Category(
        "贵金属",
        0.05,
        2,
        (
            ("投资金条 20g", 11600.0),
            ("投资金条 50g", 28900.0),
            ("银条 1kg", 7600.0),
            ("金币 1/4盎司", 5200.0),
        ),
    ),
)

# Base preference (Dirichlet concentration) of each nature for each category, in CATEGORIES order.
CATEGORY_TASTE: dict[str, tuple[float, ...]] = {
    "普通公司": (3.0, 2.0, 2.0, 1.5, 1.2, 1.0, 0.10, 0.05),
    "个人": (0.6, 1.5, 0.1, 0.1, 1.5, 0.4, 1.2, 1.2),
    "伙伴": (2.5, 2.5, 2.0, 2.0, 1.5, 1.0, 0.3, 0.3),
    "特殊公司": (2.5, 2.0, 1.5, 1.5, 1.5, 1.5, 0.4, 0.4),
    "政府机构": (3.5, 2.5, 0.2, 0.5, 1.0, 2.0, 0.05, 0.05),
}
# Extra preference added by industry (category index -> concentration).
INDUSTRY_TASTE: dict[str, dict[int, float]] = {
    "制造业": {2: 4.0, 3: 3.0},
    "建筑": {3: 4.0, 2: 1.5},
    "物流": {3: 2.0},
    "餐饮": {4: 5.0},
    "信息技术": {1: 4.0},
    "金融": {6: 0.8, 7: 1.5},
    "教育": {0: 2.0, 5: 1.0},
}

# (nature -> mean orders per year, log-mean of order size multiplier, payment terms in days)
BEHAVIOUR: dict[str, tuple[float, float, int]] = {
    "普通公司": (5.0, 0.0, 30),
    "个人": (2.0, -1.0, 0),
    "伙伴": (10.0, 0.5, 30),
    "特殊公司": (5.0, 0.3, 60),
    "政府机构": (3.0, 0.2, 90),
}

OWNERS = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴婷")
DECISION_FACTORS = ("品质", "价格", "服务")
SATISFACTION_WORDS = ("非常满意", "满意", "一般", "不满意", "非常不满意")  # scores 5..1

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩"
    "冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌宇浩凯鑫婷雪琳晨欣怡佳子轩梓涵博"
)
BRAND_CHARS = (
    "华鑫盛达恒泰宏远嘉禾润信创新瑞祥丰源兴隆联合金宝德安康明辉通科誉腾飞佳美博卓越海天正茂"
)
COMPANY_SUFFIXES = ("有限公司", "有限公司", "有限公司", "股份有限公司")

# 春节 (Chinese New Year) dates: orders dip in the weeks around them.
SPRING_FESTIVALS = tuple(
    date.fromisoformat(d)
    for d in (
        "2015-02-19",
        "2016-02-08",
        "2017-01-28",
        "2018-02-16",
        "2019-02-05",
        "2020-01-25",
        "2021-02-12",
        "2022-02-01",
        "2023-01-22",
        "2024-02-10",
        "2025-01-29",
        "2026-02-17",
        "2027-02-06",
        "2028-01-26",
        "2029-02-13",
        "2030-02-03",
    )
)
# Relative order intensity per calendar month (Q4 peak).
MONTH_FACTOR = (0.95, 0.85, 1.0, 1.0, 1.0, 0.95, 0.9, 0.9, 1.0, 1.1, 1.25, 1.4)

ORDER_STATUS = ("已完成", "未完成")
STAGES = ("进行中", "赢单", "输单")
