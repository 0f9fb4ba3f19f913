"""Template helpers of job applications: the "apply" call to action on a labor post's page."""

from django import template

from labor.selectors import post_accepts_applications

register = template.Library()


@register.inclusion_tag("labor/_apply_link.html")
def labor_apply_link(post):
    """The apply button, for a post that takes applications today; nothing otherwise."""
    return {"post": post, "open": post is not None and post_accepts_applications(post)}
