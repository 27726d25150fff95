/** PrivX's ServiceStatus shape: what monitoring and the PrivX clients' health checks read. */
export function serviceStatus(version: string, startedAt: Date) {
  return {
    variant: 'vault',
    version,
    api_version: 'v1',
    status: 'UP',
    status_message: 'OK',
    app_id: 'vault',
    'server-mode': 'NORMAL',
    status_details: [] as Array<{ k: string; v: string }>,
    start_time: startedAt.toISOString(),
  };
}
