# syntax=docker/dockerfile:1
# shipmate's image: the release binary on distroless/cc (glibc and libgcc, no shell, no package
# manager), running as distroless' non-root user. Build from the repository root:
#   docker build -t shipmate:0.1.0 .
# helm/shipmate deploys it (read-only root filesystem, /tmp as an emptyDir).

# ---- build: Debian 12 userland, the same glibc as the runtime image ----
FROM rust:1.95.0-slim-bookworm AS build
WORKDIR /src
COPY . .
# rustls with ring: no OpenSSL needed; the slim image's gcc builds ring's C parts.
RUN cargo build --release --locked -p shipmate \
    && install -D -m 0755 target/release/shipmate /out/shipmate

# ---- run ----
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/shipmate /usr/local/bin/shipmate
USER 65532:65532
EXPOSE 8765
ENTRYPOINT ["/usr/local/bin/shipmate"]
CMD ["mcp", "--http", "0.0.0.0:8765", "--token-env", "SHIPMATE_MCP_TOKEN"]
