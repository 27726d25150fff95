/** A `Vault-Version` the API serves, as listed in the status (the HTTP layer's table). */
export interface ListedVersion {
  name: string;
  deprecated?: string;
  sunset?: string;
}

/**
 * The API versions in PrivX's own extension point, `status_details`, so the ServiceStatus shape
 * PrivX clients decode stays as it is: `vault_versions` (comma separated, oldest first),
 * `vault_version_default`, and for a deprecated version its deprecation and sunset times.
 */
function versionDetails(versions: readonly ListedVersion[], defaultVersion: string) {
  return [
    { k: 'vault_versions', v: versions.map((version) => version.name).join(',') },
    { k: 'vault_version_default', v: defaultVersion },
    ...versions.flatMap((version) => [
      ...(version.deprecated
        ? [{ k: `vault_version_deprecated:${version.name}`, v: version.deprecated }]
        : []),
      ...(version.sunset ? [{ k: `vault_version_sunset:${version.name}`, v: version.sunset }] : []),
    ]),
  ];
}

/** PrivX's ServiceStatus shape: what monitoring and the PrivX clients' health checks read. */
export function serviceStatus(
  version: string,
  startedAt: Date,
  apiVersions: { versions: readonly ListedVersion[]; defaultVersion: string },
) {
  return {
    variant: 'vault',
    version,
    api_version: 'v1',
    status: 'UP',
    status_message: 'OK',
    app_id: 'vault',
    'server-mode': 'NORMAL',
    status_details: versionDetails(apiVersions.versions, apiVersions.defaultVersion),
    start_time: startedAt.toISOString(),
  };
}
