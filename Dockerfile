FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=csboard.settings.production

WORKDIR /app
RUN useradd --create-home --uid 1000 csboard
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=assets /app/node_modules ./node_modules
# Settings need a secret and a Redis address to load; collectstatic uses neither.
RUN SECRET_KEY=collectstatic-only REDIS_URL=redis://collectstatic-only python manage.py collectstatic --noinput \
    && chown -R csboard:csboard /app
USER csboard
EXPOSE 8000
# ASGI: HTTP and the live-update WebSockets in one server; scale with --workers or replicas.
CMD ["uvicorn", "csboard.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "3", "--proxy-headers"]
