"""A starting list of forbidden wording (违规用语) in job posts; staff keep it in the Wagtail admin.

Terms are specific phrases, not single words ("男性优先", never "男性"), so that ordinary
wording ("女工宿舍", "包过年回家车票") is not refused. Each gets its Traditional form too.
"""

from django.db import migrations

TERMS = {
    "gender": [
        "限男性", "仅限男性", "只招男性", "男性优先", "限女性", "仅限女性", "只招女性", "女性优先",
        "只招男工", "只招女工", "男工优先", "女工优先", "男士优先", "女士优先", "不招女性", "不招男性",
        "限未婚", "未婚未育", "已婚已育优先", "不招孕妇",
    ],
    "ethnicity": [
        "限汉族", "仅限汉族", "只招汉族", "汉族优先", "不招少数民族", "少数民族勿扰",
        "不招维族", "不招维吾尔族", "不招藏族", "不招回族", "不招彝族", "不招壮族", "不招瑶族",
    ],
    "religion": ["限无宗教信仰", "无宗教信仰者优先", "不招信教", "信教者勿扰", "不招穆斯林", "不招基督徒"],
    "region": [
        "限本地户籍", "仅限本地户籍", "本地户籍优先", "本地户口", "限本省户籍", "限城镇户口", "不招农村户口",
        "只招本地人", "限本地人", "不招外地", "不招外省", "不招河南", "不招东北", "不招新疆", "不招四川",
        "不招湖南", "不招广西", "河南人勿扰", "东北人勿扰",
    ],
    "identity": ["不招农民工", "农民工勿扰", "不招残疾人", "残疾人勿扰", "乙肝携带者勿扰", "不招乙肝", "乙肝勿扰"],
    "hype": [
        "高薪", "保录", "包录取", "保证录用", "百分百录用", "100%录用", "面试包过", "包过面试", "包就业",
        "日赚", "日入过千", "月入过万", "月入上万", "轻松过万", "躺赚", "稳赚",
    ],
}  # fmt: skip

# The characters of the terms above that differ in Traditional Chinese.
TRADITIONAL = str.maketrans(
    "优仅汉数扰维尔壮瑶无东广户镇农残携带录试过赚万轻松稳证业妇",
    "優僅漢數擾維爾壯瑤無東廣戶鎮農殘攜帶錄試過賺萬輕鬆穩證業婦",
)


def seed_terms(apps, schema_editor):
    ForbiddenTerm = apps.get_model("cms", "ForbiddenTerm")
    for category, terms in TERMS.items():
        for term in terms:
            for form in {term, term.translate(TRADITIONAL)}:
                ForbiddenTerm.objects.get_or_create(term=form, defaults={"category": category})


def remove_terms(apps, schema_editor):
    ForbiddenTerm = apps.get_model("cms", "ForbiddenTerm")
    forms = {form for terms in TERMS.values() for term in terms for form in (term, term.translate(TRADITIONAL))}
    ForbiddenTerm.objects.filter(term__in=forms).delete()


class Migration(migrations.Migration):
    dependencies = [("cms", "0004_forbiddenterm")]

    operations = [migrations.RunPython(seed_terms, remove_terms)]
