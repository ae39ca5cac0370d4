from .views import assignments, calculation, conversation, pages, revisions, workflow

app_name = "applications"

urlpatterns = [
    *pages.urlpatterns,
    *assignments.urlpatterns,
    *conversation.urlpatterns,
    *revisions.urlpatterns,
    *workflow.urlpatterns,
    *calculation.urlpatterns,
]
