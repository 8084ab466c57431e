FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
      postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
# Collected with the production storage (hashed names and a manifest, compressed copies), which
# the production settings serve; nothing here connects to the placeholders, used only for this step.
RUN DJANGO_SETTINGS_MODULE=ehcp_portal.settings.production \
    SECRET_KEY=collectstatic-only-not-a-secret-collectstatic-only-not-a-secret \
    DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    ALLOWED_HOSTS=localhost SITE_URL=https://localhost \
    python manage.py collectstatic --no-input -v0
RUN useradd --create-home ehcp && mkdir -p /app/var && chown -R ehcp /app/var
USER ehcp
EXPOSE 8000
CMD ["gunicorn", "ehcp_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
