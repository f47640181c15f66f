from django.urls import path

from fullpicture.vocabulary import views

app_name = "vocabulary"

urlpatterns = [
    path("", views.glossary_page, name="glossary"),
    path("categories/<slug:slug>/", views.category_page, name="category"),
    path("mappings/", views.mappings_page, name="mappings"),
    path("unmapped/", views.unmapped_page, name="unmapped"),
    path("thresholds/", views.thresholds_page, name="thresholds"),
    path("thresholds/edit/", views.thresholds_edit_page, name="thresholds_edit"),
    path("thresholds/compare/", views.thresholds_compare_page, name="thresholds_compare"),
]
