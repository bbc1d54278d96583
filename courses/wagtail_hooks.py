from django.http import Http404
from wagtail import hooks

from .authoring import document_is_public


@hooks.register("before_serve_document")
def hide_documents_of_unpublished_courses(document, request):
    """Documents and videos of courses still in preparation are for editors only."""
    if request.user.is_authenticated and request.user.has_perm("wagtailadmin.access_admin"):
        return None
    if not document_is_public(document):
        raise Http404
    return None
