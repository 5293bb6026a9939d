from django.conf import settings


def workbench(request):
    return {"WORKBENCH_MARKING": settings.WORKBENCH_MARKING}
