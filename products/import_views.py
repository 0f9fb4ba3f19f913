"""Bulk product import pages (商品批量导入) for cooperative staff: upload, progress and report, template.

Only people of an active cooperative (``partners.access``) and platform staff get in; each sees
the imports of the cooperatives they may act for and no others.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import FormView, TemplateView

from partners.access import CooperativeMemberMixin
from products import imports, services
from products.forms import ProductImportForm
from products.models import ImportStatus

RECENT_IMPORTS = 30


class ImportListView(CooperativeMemberMixin, FormView):
    template_name = "products/imports/list.html"
    form_class = ProductImportForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cooperatives": self.cooperatives}

    def form_valid(self, form):
        product_import = services.product_import_create(
            partner=form.cooperative(),
            uploaded_by=self.request.user,
            source=form.cleaned_data["source"],
            images=form.cleaned_data.get("images"),
            mode=form.cleaned_data["mode"],
        )
        return redirect("cooperatives:import-detail", pk=product_import.pk)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "imports": list(imports.imports_visible_to(self.request.user)[:RECENT_IMPORTS]),
            "columns": imports.COLUMNS,
            "reference": imports.import_reference_names(),
            "limits": {"rows": imports.MAX_ROWS, "megabytes": imports.MAX_FILE_BYTES // (1024 * 1024)},
        }


class ImportDetailView(CooperativeMemberMixin, TemplateView):
    template_name = "products/imports/detail.html"

    def get_context_data(self, **kwargs):
        product_import = get_object_or_404(imports.imports_visible_to(self.request.user), pk=self.kwargs["pk"])
        in_progress = product_import.status in (ImportStatus.PENDING, ImportStatus.RUNNING)
        total = product_import.total_rows
        problems = [
            {"row": problem.get("row"), "column": problem.get("column", ""), "text": imports.problem_text(problem)}
            for problem in product_import.errors or []
        ]
        return {
            **super().get_context_data(**kwargs),
            "import": product_import,
            "in_progress": in_progress,
            "percent": int(product_import.processed_rows * 100 / total) if total else 0,
            "problems": problems,
            "file_name": product_import.source.name.rsplit("/", 1)[-1],
        }

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Cache-Control"] = "no-store"
        return response


class ImportTemplateView(LoginRequiredMixin, View):
    """The import template with a Chinese header row and one example row, as CSV or XLSX."""

    def get(self, request, extension: str):
        if extension == "xlsx":
            response = HttpResponse(
                imports.template_xlsx(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="product-import-template.{extension}"'
        return response
