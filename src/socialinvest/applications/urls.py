from .conversation import views as conversation
from .views import assignments, calculation, pages, workflow

app_name = "applications"

urlpatterns = [
    *pages.urlpatterns,
    *assignments.urlpatterns,
    *conversation.urlpatterns,
    *workflow.urlpatterns,
    *calculation.urlpatterns,
]
