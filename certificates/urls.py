from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.lookup, name="lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/<str:code>/pdf/", views.download, name="download"),
    path("my/documents/", views.my_documents, name="my_documents"),
    path("my/record/", views.training_record, name="training_record"),
    path("my/record/pdf/", views.training_record_pdf, name="training_record_pdf"),
    path("staff/<int:user_id>/record/pdf/", views.staff_training_record_pdf, name="staff_training_record_pdf"),
    path("my/data/", views.my_data, name="my_data"),
    path("my/data/pdf/", views.my_data_pdf, name="my_data_pdf"),
]
