# Alongside on Telegram: `docker build -t alongside .` then
#   docker run -d --name alongside -e TELEGRAM_BOT_TOKEN=... -v alongside-data:/data alongside
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ALONGSIDE_DB=/data/alongside.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY storage ./storage
COPY dialogs ./dialogs
RUN pip install . && rm -rf /app

# A user of its own; the database lives on a volume that user owns.
RUN useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin alongside \
    && mkdir -p /data && chown alongside /data
USER alongside
VOLUME ["/data"]
WORKDIR /data

# The token comes from the environment (TELEGRAM_BOT_TOKEN), never from the image.
STOPSIGNAL SIGTERM
CMD ["alongside", "run"]
