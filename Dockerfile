# The Nianbao Watch application image (web, scheduler and CLI share it).
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-chi-sim antiword libreoffice-writer-nogui fonts-wqy-zenhei \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 nianbao
WORKDIR /app
COPY pyproject.toml README.md ./
COPY nianbao ./nianbao
COPY crawler ./crawler
COPY indexer ./indexer
COPY monitor ./monitor
COPY simweb ./simweb
COPY web ./web
COPY config ./config
RUN pip install --no-cache-dir . && mkdir -p /data && chown nianbao /data

USER nianbao
ENV NIANBAO_DATA_DIR=/data \
    NIANBAO_CONFIG_DIR=/app/config
EXPOSE 5000
CMD ["nianbao", "serve", "--host", "0.0.0.0", "--port", "5000"]
