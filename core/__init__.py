"""The ground floor: helpers every app shares (storage, uploads, identifiers, mail, exports, access).

Imports Django, Oscar and Wagtail only, never one of our apps.
"""
