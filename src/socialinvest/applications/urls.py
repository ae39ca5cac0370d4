from .views import assignments, calculation, pages, workflow

app_name = "applications"

urlpatterns = [*pages.urlpatterns, *assignments.urlpatterns, *workflow.urlpatterns, *calculation.urlpatterns]
