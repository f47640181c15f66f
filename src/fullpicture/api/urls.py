from fullpicture.api.api import api

app_name = "api"  # the namespace django-ninja reverses its own URLs in (urls_namespace)
urlpatterns = api.urls[0]
