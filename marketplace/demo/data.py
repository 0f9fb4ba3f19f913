"""Demo content: cooperatives, products, projects, labor posts and people.

Everything here is illustrative demo data, except the county list, which is the
reference data of DOMAIN.md (``counties.csv``). Certificate numbers follow the
formats of the schemes but are not real certificates.
"""

from core.access import Role

# (code, name, county, kind, households, linkage statement)
COOPERATIVES = [
    ("bama-xiangzhu", "巴马瑶山香猪养殖专业合作社", "巴马瑶族自治县", "cooperative", 186,
     "合作社统一供种、统一防疫、保底收购，带动186户脱贫户养殖巴马香猪，户均年增收约6000元。"),
    ("tiandong-mango", "田东芒乡果业有限公司", "田东县", "enterprise", 420,
     "公司+基地+农户：流转土地并吸纳脱贫户务工，按订单价收购农户芒果。"),
    ("lingyun-tea", "凌云白毫茶叶专业合作社", "凌云县", "cooperative", 260,
     "茶农以茶园入股，合作社统一加工销售，年底按交售量二次分红。"),
    ("leye-kiwi", "乐业猕猴桃种植家庭农场", "乐业县", "family_farm", 35,
     "雇用周边脱贫劳动力采摘分拣，技术免费培训。"),
    ("sanjiang-oil-tea", "三江侗乡油茶专业合作社", "三江侗族自治县", "cooperative", 312,
     "低产油茶林改造后由合作社统一收购茶果，脱贫户优先。"),
    ("rongan-kumquat", "融安金桔产销专业合作社", "融安县", "cooperative", 198,
     "统一标准化种植与分级包装，保底价收购社员金桔。"),
    ("huanjiang-cattle", "环江毛南菜牛养殖有限公司", "环江毛南族自治县", "enterprise", 150,
     "托养分红：脱贫户以帮扶资金入股，公司托养菜牛并按年分红。"),
    ("jingxi-xiangnuo", "靖西香糯米业专业合作社", "靖西市", "cooperative", 240,
     "订单种植香糯，合作社提供种子与技术，高于市场价收购。"),
    ("zhaoping-tea", "昭平茶业有限公司", "昭平县", "enterprise", 380,
     "带动茶农标准化种植，鲜叶保护价收购，设立帮扶车间。"),
    ("fuchuan-orange", "富川脐橙专业合作社", "富川瑶族自治县", "cooperative", 275,
     "社员统一绿色防控，合作社直供大湾区商超。"),
    ("dahua-fish", "大化红水河生态渔业合作社", "大化瑶族自治县", "cooperative", 96,
     "网箱退养后发展生态养殖，脱贫户参与养殖与加工。"),
    ("mashan-goat", "马山黑山羊养殖专业合作社", "马山县", "cooperative", 140,
     "羊羔赊销、成羊回收，带动脱贫户发展黑山羊养殖。"),
    ("tianyang-vegetable", "田阳南菜北运蔬菜基地有限公司", "田阳区", "enterprise", 510,
     "粤港澳大湾区“菜篮子”生产基地，每批出园检测，带动农户种植番茄与辣椒。"),
]  # fmt: skip

CATEGORIES = ["粮油米面", "新鲜水果", "茶叶", "肉禽蛋品", "水产品", "山珍干货", "加工食品"]

# (upc, title, category, cooperative code, price, stock, storage, shelf life days, specification, certificates)
PRODUCTS = [
    ("BM-001", "巴马香猪 鲜五花肉", "肉禽蛋品", "bama-xiangzhu", "88.00", 120, "chilled", 7, "1千克/份", ["gi"]),
    ("BM-002", "巴马香猪 冷冻排骨", "肉禽蛋品", "bama-xiangzhu", "96.00", 80, "frozen", 180, "1千克/袋", ["gi"]),
    ("BM-003", "巴马香猪 腊肉", "加工食品", "bama-xiangzhu", "128.00", 150, "ambient", 270, "500克/袋", ["gi"]),
    ("BM-004", "巴马火麻油", "粮油米面", "bama-xiangzhu", "158.00", 90, "ambient", 540, "500毫升/瓶", ["green_food"]),
    ("BM-005", "巴马香猪 整只乳猪", "肉禽蛋品", "bama-xiangzhu", "699.00", 12, "frozen", 180, "约5千克/只", ["gi"]),
    ("TD-001", "田东芒果 桂七", "新鲜水果", "tiandong-mango", "59.90", 300, "ambient", 10, "5千克/箱", ["gi", "green_food"]),
    ("TD-002", "田东芒果 台农一号", "新鲜水果", "tiandong-mango", "45.00", 260, "ambient", 10, "5千克/箱", ["gi"]),
    ("TD-003", "田东芒果干", "加工食品", "tiandong-mango", "29.90", 500, "ambient", 365, "250克/袋", []),
    ("TD-004", "田东芒果汁", "加工食品", "tiandong-mango", "68.00", 200, "ambient", 365, "330毫升×12瓶", []),
    ("LY-001", "凌云白毫茶 特级", "茶叶", "lingyun-tea", "268.00", 100, "ambient", 730, "250克/罐", ["gi", "organic"]),
    ("LY-002", "凌云白毫 红茶", "茶叶", "lingyun-tea", "168.00", 120, "ambient", 730, "250克/罐", ["gi"]),
    ("LY-003", "凌云白毫 绿茶 一级", "茶叶", "lingyun-tea", "128.00", 140, "ambient", 545, "250克/袋", ["gi"]),
    ("LY-004", "凌云牛心李", "新鲜水果", "lingyun-tea", "39.90", 150, "chilled", 15, "2.5千克/箱", []),
    ("LE-001", "乐业红心猕猴桃", "新鲜水果", "leye-kiwi", "69.00", 200, "chilled", 30, "24枚/箱", ["green_food"]),
    ("LE-002", "乐业猕猴桃果干", "加工食品", "leye-kiwi", "35.00", 300, "ambient", 365, "200克/袋", []),
    ("LE-003", "乐业顶坛花椒", "山珍干货", "leye-kiwi", "45.00", 180, "ambient", 540, "250克/袋", []),
    ("SJ-001", "三江茶油 一级压榨", "粮油米面", "sanjiang-oil-tea", "198.00", 150, "ambient", 540, "1升/瓶", ["green_food", "gi"]),
    ("SJ-002", "三江早春绿茶", "茶叶", "sanjiang-oil-tea", "158.00", 120, "ambient", 545, "250克/罐", ["gi"]),
    ("SJ-003", "三江稻田鲤鱼 冷冻", "水产品", "sanjiang-oil-tea", "78.00", 60, "frozen", 180, "1.5千克/袋", []),
    ("SJ-004", "侗乡油茶 即冲装", "加工食品", "sanjiang-oil-tea", "36.00", 400, "ambient", 365, "30克×10包", []),
    ("RA-001", "融安滑皮金桔", "新鲜水果", "rongan-kumquat", "49.90", 400, "ambient", 20, "2.5千克/箱", ["gi"]),
    ("RA-002", "融安金桔蜜饯", "加工食品", "rongan-kumquat", "25.00", 350, "ambient", 365, "300克/罐", []),
    ("RA-003", "融安金桔 礼盒", "新鲜水果", "rongan-kumquat", "99.00", 120, "ambient", 20, "5千克/箱", ["gi", "green_food"]),
    ("HJ-001", "环江菜牛 牛腩", "肉禽蛋品", "huanjiang-cattle", "118.00", 90, "frozen", 180, "1千克/袋", ["gi"]),
    ("HJ-002", "环江菜牛 牛肉干", "加工食品", "huanjiang-cattle", "68.00", 250, "ambient", 270, "250克/袋", []),
    ("HJ-003", "环江香猪 腊肠", "加工食品", "huanjiang-cattle", "58.00", 200, "ambient", 270, "500克/袋", ["gi"]),
    ("HJ-004", "环江菜牛 牛腱", "肉禽蛋品", "huanjiang-cattle", "138.00", 70, "frozen", 180, "1千克/袋", []),
    ("JX-001", "靖西香糯米", "粮油米面", "jingxi-xiangnuo", "39.90", 600, "ambient", 365, "5千克/袋", ["gi"]),
    ("JX-002", "靖西大香糯 粽子", "加工食品", "jingxi-xiangnuo", "58.00", 200, "frozen", 180, "200克×6只", []),
    ("JX-003", "靖西大果山楂糕", "加工食品", "jingxi-xiangnuo", "19.90", 500, "ambient", 365, "400克/盒", []),
    ("JX-004", "靖西田七", "山珍干货", "jingxi-xiangnuo", "88.00", 150, "ambient", 730, "250克/罐", []),
    ("ZP-001", "昭平银杉红茶", "茶叶", "zhaoping-tea", "138.00", 160, "ambient", 730, "250克/罐", ["organic"]),
    ("ZP-002", "昭平绿茶 明前", "茶叶", "zhaoping-tea", "188.00", 100, "ambient", 545, "250克/罐", ["organic", "green_food"]),
    ("ZP-003", "昭平六堡茶", "茶叶", "zhaoping-tea", "226.00", 80, "ambient", 1825, "500克/饼", []),
    ("ZP-004", "昭平茶 袋泡装", "茶叶", "zhaoping-tea", "45.00", 400, "ambient", 545, "2克×50袋", []),
    ("FC-001", "富川脐橙", "新鲜水果", "fuchuan-orange", "55.00", 500, "ambient", 30, "5千克/箱", ["gi", "green_food"]),
    ("FC-002", "富川脐橙 大果礼盒", "新鲜水果", "fuchuan-orange", "88.00", 200, "ambient", 30, "7.5千克/箱", ["gi"]),
    ("FC-003", "富川瑶乡芋头", "新鲜水果", "fuchuan-orange", "29.90", 300, "ambient", 60, "2.5千克/箱", []),
    ("FC-004", "富川脐橙果酱", "加工食品", "fuchuan-orange", "32.00", 240, "ambient", 365, "350克/瓶", []),
    ("DH-001", "红水河生态鱼 冷冻", "水产品", "dahua-fish", "68.00", 80, "frozen", 180, "1千克/条", []),
    ("DH-002", "红水河小鱼干", "水产品", "dahua-fish", "42.00", 300, "ambient", 270, "250克/袋", []),
    ("DH-003", "红水河鱼片 冰鲜", "水产品", "dahua-fish", "58.00", 50, "chilled", 5, "500克/盒", []),
    ("DH-004", "大化七百弄土鸡", "肉禽蛋品", "dahua-fish", "138.00", 60, "frozen", 180, "约1.5千克/只", ["gi"]),
    ("DH-005", "大化七百弄土鸡蛋", "肉禽蛋品", "dahua-fish", "45.00", 200, "chilled", 30, "30枚/盒", []),
    ("MS-001", "马山黑山羊 羊腿", "肉禽蛋品", "mashan-goat", "168.00", 50, "frozen", 180, "约2千克/只", ["gi"]),
    ("MS-002", "马山黑山羊 羊排", "肉禽蛋品", "mashan-goat", "158.00", 60, "frozen", 180, "1千克/袋", ["gi"]),
    ("MS-003", "马山旱藕粉", "加工食品", "mashan-goat", "36.00", 300, "ambient", 540, "500克/袋", []),
    ("MS-004", "马山高山红薯", "粮油米面", "mashan-goat", "25.00", 400, "ambient", 60, "5千克/箱", []),
    ("TY-001", "田阳番茄 大湾区直供", "新鲜水果", "tianyang-vegetable", "35.00", 500, "chilled", 10, "5千克/箱", ["gba_base", "shenzhen_standard"]),
    ("TY-002", "田阳圣女果", "新鲜水果", "tianyang-vegetable", "39.90", 400, "chilled", 10, "3千克/箱", ["gba_base"]),
    ("TY-003", "田阳尖椒", "山珍干货", "tianyang-vegetable", "22.00", 300, "chilled", 10, "2.5千克/箱", ["gba_base"]),
    ("TY-004", "田阳香芒 青皮", "新鲜水果", "tianyang-vegetable", "52.00", 200, "ambient", 10, "5千克/箱", ["gba_base"]),
    ("TY-005", "田阳干辣椒", "山珍干货", "tianyang-vegetable", "28.00", 350, "ambient", 365, "500克/袋", []),
    ("SJ-005", "三江香菇 干", "山珍干货", "sanjiang-oil-tea", "58.00", 220, "ambient", 365, "500克/袋", []),
    ("LY-005", "凌云黑木耳", "山珍干货", "lingyun-tea", "48.00", 250, "ambient", 540, "250克/袋", []),
    ("BM-006", "巴马油鱼干", "水产品", "bama-xiangzhu", "78.00", 120, "ambient", 270, "250克/袋", []),
    ("JX-005", "靖西香糯 糍粑", "加工食品", "jingxi-xiangnuo", "26.00", 300, "frozen", 180, "500克/袋", []),
    ("RA-004", "融安红糯米", "粮油米面", "rongan-kumquat", "32.00", 400, "ambient", 365, "2.5千克/袋", []),
    ("HJ-005", "环江毛南 香米", "粮油米面", "huanjiang-cattle", "45.00", 500, "ambient", 365, "5千克/袋", ["green_food"]),
    ("DH-006", "大化山茶油", "粮油米面", "dahua-fish", "178.00", 100, "ambient", 540, "1升/瓶", []),
]  # fmt: skip

# Certificates per cooperative and scheme: (number, issuer, years valid or None for long-term).
CERTIFICATE_ISSUERS = {
    "green_food": ("中国绿色食品发展中心", 3),
    "organic": ("中绿华夏有机产品认证中心", 1),
    "gi": ("农业农村部", None),
    "specialty": ("农业农村部农产品质量安全中心", None),
    "gba_base": ("粤港澳大湾区“菜篮子”建设委员会办公室", 3),
    "shenzhen_standard": ("圳品评价机构", 3),
}

# Regional public brands (区域公用品牌): (name, registration number, holder, region's counties,
# authorised cooperatives, products under the brand, description). Illustrative: not a real register entry.
REGIONAL_BRANDS = [
    ("百色芒果", "AGI09001", "百色市芒果协会（演示）", ["田东县", "田阳区"], ["tiandong-mango", "tianyang-vegetable"],
     ["TD-001", "TD-002", "TY-004"],
     "右江河谷的芒果区域公用品牌：产区合作社经协会授权后使用，统一标准、统一标识。本条为演示数据。"),
]  # fmt: skip

# (slug, title, form, guangdong side, counties, funding 万元, status, jobs, households, summary, product upcs, updates)
PROJECTS = [
    ("shenzhen-bama-pig", "深圳—巴马香猪全产业链协作项目", "industry", "深圳市罗湖区", ["巴马瑶族自治县"], "1800.00",
     "ongoing", 320, 1260, "共建香猪标准化养殖小区与屠宰冷链中心，产品直供深圳机关食堂与商超。", ["BM-001", "BM-002"],
     [("2025-03-15", "养殖小区一期建成投产。"), ("2025-11-20", "冷链分拣中心通过验收。")]),
    ("baise-mango-consumption", "百色芒果进湾区消费协作行动", "consumption", "深圳市消费帮扶中心",
     ["田东县", "田阳区"], "600.00", "ongoing", 150, 2300, "以“832+湾区”双渠道组织预算单位采购百色芒果。",
     ["TD-001", "TD-002", "TY-004"], [("2026-07-01", "首批200吨芒果直供深圳。")]),
    ("zhanjiang-rongshui-labor", "湛江—融水劳务协作“点对点”输送", "labor", "湛江市人力资源和社会保障局",
     ["融水苗族自治县", "三江侗族自治县"], "120.00", "ongoing", 860, 0, "春节后包车“点对点”输送务工人员到湛江企业就业。", [],
     [("2026-02-20", "首批输送312人。")]),
    ("zhaoqing-hezhou-park", "肇庆—贺州粤桂共建产业园", "industry", "肇庆市高新区", ["昭平县", "富川瑶族自治县"], "5200.00",
     "ongoing", 1500, 900, "共建产业园引进食品加工与电子企业，设立帮扶车间吸纳脱贫劳动力。", [], []),
    ("maoming-jinxiu-talent", "茂名—来宾医疗人才协作", "talent", "茂名市人民医院", ["忻城县", "金秀瑶族自治县"], "300.00",
     "completed", 0, 0, "选派医疗骨干驻点帮扶，培训县级医院医护人员。", [], [("2025-12-30", "完成三年驻点帮扶。")]),
    ("jiangmen-chongzuo-road", "江门—崇左产业路建设", "infrastructure", "江门市", ["天等县", "大新县"], "2600.00",
     "planned", 80, 600, "修建通往种植基地的产业路与冷库。", [], []),
    ("shenzhen-hechi-school", "深圳—河池教育协作", "social", "深圳市教育局", ["都安瑶族自治县", "大化瑶族自治县"], "950.00",
     "ongoing", 0, 0, "结对帮扶学校互派教师，捐建图书室。", [], []),
    ("wanqi-xingwancun", "“万企兴万村”粤企结对行动", "social_forces", "广东省工商联",
     ["凌云县", "乐业县", "隆林各族自治县"], "780.00", "ongoing", 210, 1400, "组织粤企与帮扶村结对，发展特色种养。",
     ["LY-001", "LE-001"], []),
]  # fmt: skip

# Gallery pictures of some projects: (caption, picture theme).
PROJECT_GALLERIES = {
    "shenzhen-bama-pig": [("巴马香猪标准化养殖小区", "肉禽蛋品"), ("冷链分拣中心投入使用", "肉禽蛋品"), ("深圳机关食堂采购对接会", "新鲜水果")],
    "baise-mango-consumption": [("田东芒果采摘", "新鲜水果"), ("首批芒果装车发往深圳", "新鲜水果")],
}  # fmt: skip

# (slug, employer, title, sector, openings, city, location, pay min, max, unit, lodging, transport, counties)
LABOR_POSTS = [
    ("dg-electronics-assembly", 0, "电子厂普工", "electronics", 120, "东莞市", "长安镇电子工业园", "4800", "6500", "month", "both", True,
     ["融水苗族自治县", "三江侗族自治县"]),
    ("sz-logistics-sorter", 1, "物流分拣员", "logistics", 60, "深圳市", "龙岗区平湖物流园", "5200", "7000", "month", "lodging", True,
     ["巴马瑶族自治县", "都安瑶族自治县"]),
    ("fs-furniture-worker", 2, "家具厂木工", "manufacturing", 30, "佛山市", "顺德区龙江镇", "5500", "8000", "month", "both", False,
     ["隆林各族自治县"]),
    ("gz-restaurant-kitchen", 3, "餐饮厨房帮工", "services", 25, "广州市", "天河区", "4500", "5500", "month", "both", False,
     ["马山县", "上林县"]),
    ("zj-seafood-processing", 4, "水产品加工工", "manufacturing", 80, "湛江市", "霞山区水产加工区", "4200", "6000", "month", "both", True,
     ["融水苗族自治县", "融安县"]),
    ("zq-construction", 5, "建筑施工员", "construction", 40, "肇庆市", "高要区", "260", "350", "day", "lodging", True,
     ["昭平县", "富川瑶族自治县"]),
    ("sz-care-worker", 6, "养老护理员", "care", 20, "深圳市", "福田区", "5500", "7500", "month", "both", False,
     ["凤山县", "东兰县"]),
    ("dg-packaging", 0, "包装工", "manufacturing", 50, "东莞市", "塘厦镇", "25", "30", "hour", "both", True,
     ["忻城县", "金秀瑶族自治县"]),
    ("jm-farm-worker", 7, "现代农业基地农工", "agriculture", 35, "江门市", "台山市", "4000", "5000", "month", "both", True,
     ["天等县", "大新县", "宁明县"]),
    ("mm-fruit-sorter", 8, "水果分拣包装工", "agriculture", 45, "茂名市", "电白区", "0.5", "0.8", "piece", "both", False,
     ["忻城县"]),
    ("zh-hotel-service", 9, "酒店客房服务员", "services", 18, "珠海市", "香洲区", "4300", "5200", "month", "both", False,
     ["那坡县", "靖西市"]),
    ("hz-battery-line", 10, "新能源电池产线操作工", "electronics", 100, "惠州市", "仲恺高新区", "5500", "7500", "month", "both", True,
     ["田林县", "西林县", "乐业县"]),
]  # fmt: skip

EMPLOYERS = [
    ("东莞长安精密电子有限公司", "东莞市", "李经理", "13800138001"),
    ("深圳顺达物流有限公司", "深圳市", "陈主管", "13800138002"),
    ("佛山龙江家具制造有限公司", "佛山市", "黄经理", "13800138003"),
    ("广州粤味餐饮管理有限公司", "广州市", "何主管", "13800138004"),
    ("湛江海湾水产食品有限公司", "湛江市", "吴经理", "13800138005"),
    ("肇庆建工集团有限公司", "肇庆市", "梁经理", "13800138006"),
    ("深圳颐康养老服务中心", "深圳市", "周主任", "13800138007"),
    ("台山绿田现代农业有限公司", "江门市", "赵场长", "13800138008"),
    ("茂名电白果蔬专业合作社", "茂名市", "林社长", "13800138009"),
    ("珠海海景酒店有限公司", "珠海市", "郑经理", "13800138010"),
    ("惠州新能源电池有限公司", "惠州市", "刘经理", "13800138011"),
]

NEWS = [
    ("guifa-2021-6", "桂发〔2021〕6号：巩固拓展脱贫攻坚成果同乡村振兴有效衔接",
     "自治区党委、自治区人民政府印发实施意见，部署消费帮扶、粤桂协作与稳岗就业。",
     "<p>实施意见提出深化粤桂协作，在产业、劳务、消费等方面加强合作；推动预算单位等建立稳定采购关系；"
     "支持建设供粤港澳大湾区生产基地；开展“春风行动”等就业服务活动。</p>"),
    ("reserved-share-notice", "关于做好预算单位脱贫地区农副产品采购预留份额工作的提示",
     "各预算单位应按不低于10%的比例预留年度食堂食材采购份额，采购脱贫地区农副产品。",
     "<p>依据财库〔2021〕19号、20号，各预算单位应于年初填报预留份额，并通过平台采购。</p>"),
    ("gba-vegetable-base", "田阳蔬菜基地通过大湾区“菜篮子”复核", "田阳番茄、辣椒基地通过复核，每批产品出园检测并附追溯码。",
     "<p>基地产品经检测合格后直供大湾区市场。</p>"),
    ("spring-breeze-launch", "粤桂劳务协作春风行动启动", "两地人社部门联合开展岗位对接与“点对点”输送服务。",
     "<p>活动期间在线发布岗位，组织专车接送务工人员。</p>"),
]  # fmt: skip

# Role → (e-mail, name, group, flags). Every role of the platform has one demo account.
DEMO_PASSWORD = "demo-pass-2026"
ROLE_USERS = [
    ("superuser", "admin@demo.yuegui.example", "平台管理员", None, {"is_staff": True, "is_superuser": True}),
    ("platform staff", "staff@demo.yuegui.example", "平台运营", Role.PLATFORM_STAFF, {"is_staff": True}),
    ("editor", "editor@demo.yuegui.example", "内容编辑", "Editors", {}),
    ("county officer", "officer@demo.yuegui.example", "巴马县农业农村局", Role.COUNTY_OFFICER, {}),
    ("cooperative staff", "coop@demo.yuegui.example", "巴马香猪合作社", Role.COOPERATIVE_STAFF, {}),
    ("employer", "employer@demo.yuegui.example", "东莞长安精密电子", Role.EMPLOYER, {}),
    ("GBA buyer", "buyer@demo.yuegui.example", "大湾区买家", Role.GBA_BUYER, {}),
    ("budget-unit buyer", "unit-buyer@demo.yuegui.example", "市一中食堂采购员", Role.BUDGET_UNIT_BUYER, {}),
    ("budget-unit approver", "unit-approver@demo.yuegui.example", "市一中审批人", Role.BUDGET_UNIT_APPROVER, {}),
    ("budget-unit manager", "unit-manager@demo.yuegui.example", "市教育局管理员", Role.BUDGET_UNIT_MANAGER, {}),
    ("budget-unit finance", "unit-finance@demo.yuegui.example", "市一中财务", Role.BUDGET_UNIT_FINANCE, {}),
    (
        "budget-unit school manager",
        "school-manager@demo.yuegui.example",
        "市一中后勤主任",
        Role.BUDGET_UNIT_MANAGER,
        {},
    ),
    ("another unit's buyer", "hospital-buyer@demo.yuegui.example", "市一医院食堂采购员", Role.BUDGET_UNIT_BUYER, {}),
    ("job seeker", "jobseeker@demo.yuegui.example", "求职者", None, {}),
]


# The main pages in English (the others are served in Simplified Chinese under /en/).
ENGLISH_PAGES = {
    "home": {
        "title": "Guangdong–Guangxi Consumption Assistance Platform",
        "hero_title": "Buy from Guangxi, support rural revitalisation",
        "hero_text": "Guangdong buyers and budget units buy certified farm products straight from assisted "
        "counties in Guangxi; jobs and cooperation projects in one place.",
    },
    "counties": {
        "title": "Assisted counties",
        "intro": "Guangxi's 33 former national key poverty-alleviation counties, 20 of them national key "
        "counties for rural revitalisation assistance.",
    },
    "projects": {
        "title": "Cooperation projects",
        "intro": "Guangdong–Guangxi projects in industry, labor, consumption, talent, infrastructure, social "
        "undertakings, social forces and regional strategy.",
    },
    "jobs": {
        "title": "Jobs in Guangdong",
        "intro": "Vetted jobs from Guangdong employers for poverty-alleviated workers and rural low-income people.",
    },
    "campaigns": {
        "title": "Recruitment campaigns",
        "intro": "Spring Breeze Action, Employment Assistance Month and more.",
    },
    "news": {"title": "News and policy"},
    "about": {
        "title": "About the platform",
        "intro": "The platform serves Guangdong–Guangxi cooperation: Guangdong buyers and budget units buy certified "
        "products of assisted counties, Guangdong employers post jobs, and cooperation projects are public.",
    },
}


# Delivery addresses on Oscar's fields, the Chinese way (core.addresses): 收货人, 手机号, 省 市 区, 详细地址.
DEMO_ADDRESSES = {
    "shenzhen": {
        "first_name": "陈思远",
        "phone_number": "+8613912345678",
        "state": "广东省",
        "line4": "深圳市",
        "line3": "南山区",
        "line1": "粤海街道科技南十二路 18 号 长虹科技大厦 1208 室",
        "postcode": "518057",
        "country": "CN",
    },
    "guangzhou": {
        "first_name": "陈思远",
        "phone_number": "+8613912345678",
        "state": "广东省",
        "line4": "广州市",
        "line3": "天河区",
        "line1": "天河路 385 号 太古汇一座 20 楼",
        "postcode": "510620",
        "country": "CN",
    },
    "hong-kong": {
        "first_name": "陈思远",
        "phone_number": "+85251234567",
        "state": "香港特别行政区",
        "line4": "九龙",
        "line3": "油尖旺区",
        "line1": "弥敦道 132 号 美丽华大厦 12 楼 B 室",
        "postcode": "",
        "country": "HK",
    },
    "canteen": {
        "first_name": "李明",
        "phone_number": "+8613800138000",
        "state": "广东省",
        "line4": "广州市",
        "line3": "天河区",
        "line1": "体育东路 100 号 市一中食堂",
        "postcode": "510620",
        "country": "CN",
    },
}

# Jobs near home in Guangxi (就地就近就业): employers there, then the posts.
# (name, county, contact, phone, cooperative code or None)
LOCAL_EMPLOYERS = [
    ("田东县林逢镇帮扶车间（服装加工）", "田东县", "黄主任", "13907760001", None),
    ("巴马瑶族自治县以工代赈项目办公室", "巴马瑶族自治县", "韦工程师", "13907780002", None),
    ("凌云白毫茶叶专业合作社", "凌云县", "罗社长", "13907760003", "lingyun-tea"),
    ("巴马瑶族自治县甲篆镇人民政府", "巴马瑶族自治县", "蓝主任", "13907780004", None),
]
# (slug, employer index, kind, title, sector, openings, county, town, location, pay_min, pay_max, unit, lodging,
#  township contact name, township contact phone)
LOCAL_LABOR_POSTS = [
    ("tiandong-workshop-sewing", 0, "workshop", "帮扶车间缝纫工", "manufacturing", 40, "田东县", "林逢镇",
     "林逢镇易地扶贫搬迁安置区帮扶车间", "2200", "3600", "month", "board", "", ""),
    ("bama-work-relief-road", 1, "work_relief", "以工代赈村道硬化施工工", "construction", 30, "巴马瑶族自治县", "甲篆镇",
     "甲篆镇坡月村至百马村道路", "150", "200", "day", "none", "", ""),
    ("lingyun-tea-picking", 2, "cooperative_seasonal", "春茶采摘季节工", "agriculture", 60, "凌云县", "泗城镇",
     "合作社茶园（泗城镇后龙山）", "100", "160", "day", "board", "", ""),
    ("bama-public-welfare-cleaner", 3, "public_welfare", "乡村保洁员（公益岗位）", "services", 8, "巴马瑶族自治县", "甲篆镇",
     "甲篆镇各行政村", "1000", "1200", "month", "none", "甲篆镇社会保障服务中心 蓝主任", "13907780004"),
]  # fmt: skip

# Budget units of Guangzhou (预算单位), a made-up hierarchy with made-up credit codes (check
# characters computed): (key, name, category, jurisdiction, parent key, approval threshold,
# payment mode, invoice title).
BUDGET_UNITS = [
    ("edu-bureau", "广州市教育局", "agency", "guangdong", None, None, "deliver_first"),
    ("no1-school", "广州市第一中学", "school", "guangdong", "edu-bureau", "1500.00", "deliver_first"),
    ("no2-school", "广州市第二中学", "school", "guangdong", "edu-bureau", "5000.00", "pay_first"),
    ("edu-service", "广州市教育局后勤服务中心", "agency", "guangdong", "edu-bureau", None, "deliver_first"),
    ("youth-palace", "广州市少年宫", "other", "guangdong", "edu-bureau", None, "deliver_first"),
    ("health-commission", "广州市卫生健康委员会", "agency", "guangdong", None, None, "deliver_first"),
    ("no1-hospital", "广州市第一人民医院", "hospital", "guangdong", "health-commission", "10000.00", "deliver_first"),
]  # fmt: skip
# Demo account → (unit key, roles, canteen contractor).
UNIT_MEMBERS = {
    "unit-manager@demo.yuegui.example": [("edu-bureau", ("manager",), "")],
    "unit-buyer@demo.yuegui.example": [("no1-school", ("buyer",), "")],
    "unit-approver@demo.yuegui.example": [("no1-school", ("approver",), "")],
    "unit-finance@demo.yuegui.example": [("no1-school", ("finance",), "")],
    "school-manager@demo.yuegui.example": [("no1-school", ("manager",), "")],
    "hospital-buyer@demo.yuegui.example": [("no1-hospital", ("buyer", "manager"), "")],
}
# The other units' managers, who file for them (password as every demo account).
UNIT_MANAGERS = {
    "no2-school": "manager.no2-school@demo.yuegui.example",
    "edu-service": "manager.edu-service@demo.yuegui.example",
    "youth-palace": "manager.youth-palace@demo.yuegui.example",
    "health-commission": "manager.health@demo.yuegui.example",
}
# This year's filings, one in each state: unit key → (state, has canteen, canteen food total, ratio,
# representative unit key, remarks, return reason). Years without a published minimum file the
# ratio the unit chose.
UNIT_FILINGS = {
    "edu-bureau": ("approved", True, "800000.00", "0.3000", None, "机关食堂，含后勤服务中心共用部分。", ""),
    "no1-school": ("approved", True, "1200000.00", "0.3000", None, "含教工食堂与学生食堂。", ""),
    "no2-school": ("returned", True, "650000.00", "0.1000", None, "",
                   "比例低于本局要求的30%，请按30%重新填报，或附上批准文件。"),
    "edu-service": ("submitted", True, None, None, "edu-bureau", "与局机关共用食堂。", ""),
    "youth-palace": ("approved", False, None, None, None, "本单位无食堂。", ""),
    "no1-hospital": ("draft", True, "2400000.00", "0.3000", None, "", ""),
}  # fmt: skip
