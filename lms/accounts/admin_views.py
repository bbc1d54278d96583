"""Screens in the Wagtail admin: invite a person, import a staff list, see the staff of a library."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from lms.libraries.selectors import library_choices

from . import services
from .forms import InviteForm, StaffImportForm
from .models import StaffImport
from .selectors import staff_visible_to

invite_required = permission_required("accounts.invite_staff", raise_exception=True)


def _header(title: str, icon: str) -> dict:
    # Wagtail's generic base template titles the page and the browser tab from these.
    return {"page_title": title, "header_title": title, "header_icon": icon}


@invite_required
@require_http_methods(["GET", "POST"])
def invite(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invitation_create(
                email=data["email"], last_name=data["last_name"], first_name=data["first_name"],
                patronymic=data["patronymic"], library=data["library"], position=data["position"],
                role=data["role"], invited_by=request.user,
            )
        except services.AccountError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, _("The invitation was sent to %(email)s.") % {"email": invitation.user.email})
            return redirect("staff_invite")
    return render(request, "accounts/admin/invite.html",
                  {"form": form, **_header(_("Invite a staff member"), "mail")})


@invite_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = StaffImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            staff_import = services.staff_import_preview(
                data=upload.read(_read_limit()), filename=upload.name, created_by=request.user,
                deactivate_missing=form.cleaned_data["deactivate_missing"],
            )
        except services.AccountError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("staff_import_preview", staff_import.pk)
    return render(request, "accounts/admin/import_upload.html",
                  {"form": form, **_header(_("Import a staff list"), "upload")})


def _read_limit() -> int:
    from .staff_import import MAX_FILE_BYTES

    return MAX_FILE_BYTES + 1  # one byte more, so that an oversized file is recognised as such


@invite_required
def import_preview(request, pk: int):
    staff_import = get_object_or_404(StaffImport, pk=pk, created_by=request.user)
    return render(request, "accounts/admin/import_preview.html", {
        "staff_import": staff_import, "summary": _plan_summary(staff_import),
        **_header(_("Staff list: check before import"), "upload"),
    })


def _plan_summary(staff_import: StaffImport) -> dict[str, str]:
    """The headings of the preview's sections, with their counts in the right plural forms."""
    plan = staff_import.plan
    creations, updates = len(plan.get("creations", [])), len(plan.get("updates", []))
    deactivations, skipped = len(plan.get("deactivations", [])), len(plan.get("skipped", []))
    unchanged = plan.get("unchanged", 0)
    return {
        "creations": ngettext("%(count)d new person will be invited", "%(count)d new people will be invited",
                              creations) % {"count": creations} if creations else _("No new people"),
        "updates": ngettext("The data of %(count)d person will be updated",
                            "The data of %(count)d people will be updated", updates) % {"count": updates}
        if updates else _("No data to update"),
        "deactivations": ngettext("%(count)d account will be deactivated", "%(count)d accounts will be deactivated",
                                  deactivations) % {"count": deactivations}
        if deactivations else _("No accounts to deactivate"),
        "skipped": ngettext("%(count)d account will not be deactivated", "%(count)d accounts will not be deactivated",
                            skipped) % {"count": skipped},
        "unchanged": ngettext("%(count)d row without changes", "%(count)d rows without changes",
                              unchanged) % {"count": unchanged},
    }


@invite_required
@require_POST
def import_confirm(request, pk: int):
    staff_import = get_object_or_404(StaffImport, pk=pk, created_by=request.user)
    try:
        services.staff_import_confirm(staff_import_id=staff_import.pk, confirmed_by=request.user)
    except services.AccountError as exc:
        messages.error(request, str(exc))
        return redirect("staff_import_preview", staff_import.pk)
    staff_import.refresh_from_db()
    messages.success(request, _("The staff list is imported. Invited: %(created)d, updated: %(updated)d, "
                                "deactivated: %(deactivated)d.")
                     % {"created": staff_import.created_count, "updated": staff_import.updated_count,
                        "deactivated": staff_import.deactivated_count})
    return redirect("staff_list")


@permission_required("accounts.view_library_staff", raise_exception=True)
def staff_list(request):
    people = staff_visible_to(request.user)
    library_id = request.GET.get("library")
    if library_id and library_id.isdigit():
        people = people.filter(library_id=int(library_id))
    page = Paginator(people.order_by("last_name", "first_name", "pk"), 50).get_page(request.GET.get("p"))
    return render(request, "accounts/admin/staff_list.html", {
        "page": page,
        "libraries": library_choices() if request.user.has_perm("accounts.view_user") else None,
        "selected_library": library_id,
        **_header(_("Library staff"), "group"),
    })
