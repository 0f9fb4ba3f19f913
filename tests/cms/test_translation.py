"""Pages are translated with Wagtail's i18n: an editor copies the tree to Traditional Chinese and edits it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Locale, Page

from cms.models import CountyPage, NewsPage
from tests.factories import UserFactory, build_site

pytestmark = pytest.mark.django_db


def test_editor_translates_a_news_page_and_each_language_serves_its_own(client):
    # given a site with a news page in Simplified Chinese
    site = build_site(posts=0, projects=0)
    news = site["news_index"].add_child(instance=NewsPage(title="春风行动启动", slug="spring", intro="简体导语"))
    news.save_revision().publish()
    hant, _ = Locale.objects.get_or_create(language_code="zh-hant")
    editor = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(editor)

    # when the editor submits the home page and everything below it for translation to Traditional
    home = site["home"]
    response = client.post(
        reverse("simple_translation:submit_page_translation", args=[home.pk]),
        {"locales": [hant.pk], "include_subtree": "on"},
    )
    assert response.status_code == 302

    # then a Traditional copy exists; the editor writes its Traditional text and publishes it
    copy = NewsPage.objects.get(translation_key=news.translation_key, locale=hant)
    copy.title, copy.intro = "春風行動啟動", "繁體導語"
    copy.save_revision().publish()
    for page in Page.objects.filter(locale=hant).exclude(pk=copy.pk):
        page.specific.save_revision().publish()

    simplified = client.get("/news/spring/")
    traditional = client.get("/zh-hant/news/spring/")
    assert simplified.status_code == 200 and "春风行动启动" in simplified.content.decode()
    assert traditional.status_code == 200
    body = traditional.content.decode()
    assert "春風行動啟動" in body and "繁體導語" in body and "简体导语" not in body


def test_a_county_has_one_page_per_language():
    site = build_site(counties=1, posts=0, projects=0)
    existing = site["county_pages"][0]
    duplicate = CountyPage(title="重复", slug="again", county=existing.county, locale=existing.locale)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "county" in error.value.message_dict
