/** A response as tests look at it: status, headers and the parsed body. */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ApiRequest {
  method?: string;
  /** Sent as JSON unless `raw` is given. */
  json?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

/** A tiny HTTP client bound to the gateway's /api base URL. */
export function apiClient(baseUrl: () => string) {
  return async function api<T = any>(path: string, request: ApiRequest = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...request.headers };
    let body: string | undefined = request.raw;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${baseUrl()}${path}`, { method: request.method ?? 'GET', headers, body });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, headers: response.headers, body: /^application\/(problem\+)?json/.test(type) && text ? JSON.parse(text) : text };
  };
}
