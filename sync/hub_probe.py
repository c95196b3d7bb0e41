"""Is the hub reachable? A short, authenticated health request."""

from __future__ import annotations


def hub_reachable(url: str, token: str, timeout: float) -> bool:
    """True when the hub answers its health check with 2xx; any failure means offline."""
    import httpx  # here, not at the top: the app shell imports this module before first paint

    try:
        response = httpx.get(
            f"{url}/health",
            headers={"Authorization": f"Bearer {token}"} if token else {},
            timeout=timeout,
        )
    except (httpx.HTTPError, httpx.InvalidURL, ValueError):
        # ValueError covers a header the HTTP layer refuses to encode: still just offline.
        return False
    return response.is_success
