FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DJANGO_SETTINGS_MODULE=ehcp_portal.settings.local python manage.py collectstatic --no-input -v0
RUN useradd --create-home ehcp && mkdir -p /app/var && chown -R ehcp /app/var
USER ehcp
EXPOSE 8000
CMD ["gunicorn", "ehcp_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
