"""Replace Wagtail's placeholder page with our home page and point both sites at it."""

from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("cms.HomePage")
    DjangoSite = apps.get_model("sites.Site")

    Page.objects.filter(depth=2, slug="home").exclude(content_type__model="homepage").delete()
    locale, _ = Locale.objects.get_or_create(language_code="zh-hans")
    homepage_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    root = Page.objects.get(depth=1)
    homepage = HomePage.objects.create(
        title="粤桂协作消费帮扶平台",
        draft_title="粤桂协作消费帮扶平台",
        slug="home",
        content_type=homepage_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
        hero_title="买桂品 助振兴",
        hero_text="广东买家与预算单位直采广西帮扶县认证农产品，岗位、项目一站可见。",
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": homepage, "site_name": "粤桂协作消费帮扶平台"},
    )
    DjangoSite.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1:8000", "name": "粤桂协作消费帮扶平台"})


def remove_homepage(apps, schema_editor):
    apps.get_model("cms.HomePage").objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("sites", "0002_alter_domain_unique"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
