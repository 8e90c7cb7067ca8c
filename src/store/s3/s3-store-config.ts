import type { Config } from '../../core/config.js';
import { PromptlyError } from '../../core/errors.js';
import type { S3Credentials, S3ObjectStoreOptions } from './s3-object-store.js';

/** The compiled `store` config of kind `s3`. */
export type S3StoreConfig = Extract<Config['store'], { kind: 's3' }>;

/**
 * S3ObjectStore options from the compiled config. Credentials are read from the
 * environment variables the config names (`accessKeyIdEnv`, `secretAccessKeyEnv`: both or
 * neither; neither leaves them to the SDK's default chain). A named variable that is unset
 * or empty is PROMPTLY_E_CONFIG_INVALID; the message names the variable, never a value.
 */
export function s3StoreOptionsFromConfig(
  config: Omit<S3StoreConfig, 'durable'>,
  env: Readonly<Record<string, string | undefined>>,
): S3ObjectStoreOptions {
  return {
    bucket: config.bucket,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint !== undefined ? { endpoint: config.endpoint } : {}),
    ...(config.prefix !== undefined ? { prefix: config.prefix } : {}),
    ...credentialsOf(config, env),
  };
}

function credentialsOf(
  config: Omit<S3StoreConfig, 'durable'>,
  env: Readonly<Record<string, string | undefined>>,
): { credentials?: S3Credentials } {
  const { accessKeyIdEnv, secretAccessKeyEnv } = config;
  if (accessKeyIdEnv === undefined && secretAccessKeyEnv === undefined) return {};
  if (accessKeyIdEnv === undefined || secretAccessKeyEnv === undefined) {
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      'store: accessKeyIdEnv and secretAccessKeyEnv go together (or neither, for the default chain)',
      { details: [{ path: 'store', message: 'give both accessKeyIdEnv and secretAccessKeyEnv' }] },
    );
  }
  const read = (name: string, field: string): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      throw new PromptlyError(
        'PROMPTLY_E_CONFIG_INVALID',
        `store.${field}: environment variable ${name} is not set`,
        { details: [{ path: `store.${field}`, message: `${name} is not set` }] },
      );
    }
    return value;
  };
  return {
    credentials: {
      accessKeyId: read(accessKeyIdEnv, 'accessKeyIdEnv'),
      secretAccessKey: read(secretAccessKeyEnv, 'secretAccessKeyEnv'),
    },
  };
}
