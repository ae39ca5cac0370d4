from .views import calculation, pages, workflow

app_name = "applications"

urlpatterns = [*pages.urlpatterns, *workflow.urlpatterns, *calculation.urlpatterns]
