import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The DynamoDB commands, loaded on the first take (never at cold start). */
const loadDynamoDb = () => import('./dynamodb-client');

export type RateVerdict = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Takes one token from the identity's bucket. */
  take(identity: string): Promise<RateVerdict>;
}

export interface TokenBucketConfig {
  /** Burst: tokens a full bucket holds. */
  capacity: number;
  /** Steady rate: tokens added per second. */
  refillPerSecond: number;
}

export const readRateLimitConfig = (env: Record<string, string | undefined>): TokenBucketConfig | undefined => {
  const burst = env.RATE_LIMIT_BURST;
  const rate = env.RATE_LIMIT_PER_SECOND;
  if ((burst === undefined || burst === '') && (rate === undefined || rate === '')) return undefined;
  const capacity = Number(burst ?? 20);
  const refillPerSecond = Number(rate ?? 5);
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 10_000) throw new Error('RATE_LIMIT_BURST must be a whole number from 1 to 10000.');
  if (!Number.isFinite(refillPerSecond) || refillPerSecond <= 0 || refillPerSecond > 10_000) throw new Error('RATE_LIMIT_PER_SECOND must be a number above 0 and at most 10000.');
  return { capacity, refillPerSecond };
};

/** Partition key prefix of bucket items (IAM limits the functions' bucket writes to it by dynamodb:LeadingKeys). */
export const BUCKET_PREFIX = 'RATELIMIT#';

/**
 * A token bucket per identity kept in the one DynamoDB table, so it holds across Lambda containers:
 * read the bucket (consistent), refill it for the time passed, and write it back with a conditional
 * update on the revision read (or on its absence). A concurrent writer makes the condition fail and
 * the take is retried on fresh state, so two containers never spend the same token. The item expires
 * (TTL) once a full refill would have happened, so idle identities cost nothing.
 */
export const createDynamoRateLimiter = (deps: { client: Pick<DynamoDBClient, 'send'>; tableName: string; config: TokenBucketConfig; clock?: () => number; maxAttempts?: number }): RateLimiter => {
  const { client, tableName, config } = deps;
  const clock = deps.clock ?? (() => Date.now());
  const maxAttempts = deps.maxAttempts ?? 5;
  const key = (identity: string) => ({ pk: { S: `${BUCKET_PREFIX}${identity}` }, sk: { S: 'BUCKET' } });

  return {
    take: async (identity) => {
      const { ConditionalCheckFailedException, GetItemCommand, UpdateItemCommand } = await loadDynamoDb();
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        const got = await client.send(new GetItemCommand({ TableName: tableName, Key: key(identity), ConsistentRead: true, ProjectionExpression: 'tokens, refilledAt, rev' }));
        const oldAt = got.Item?.refilledAt?.N;
        const oldTokens = got.Item?.tokens?.N;
        const oldRev = got.Item?.rev?.N;
        const now = Math.max(clock(), oldAt ? Number(oldAt) : 0);
        const available = oldRev && oldAt && oldTokens ? Math.min(config.capacity, Number(oldTokens) + ((now - Number(oldAt)) / 1000) * config.refillPerSecond) : config.capacity;
        if (available < 1) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - available) / config.refillPerSecond)) };
        const remaining = available - 1;
        const fullInSeconds = Math.ceil((config.capacity - remaining) / config.refillPerSecond);
        try {
          await client.send(
            new UpdateItemCommand({
              TableName: tableName,
              Key: key(identity),
              UpdateExpression: 'SET tokens = :tokens, refilledAt = :now, expiresAt = :exp, rev = :rev',
              ConditionExpression: oldRev ? 'rev = :oldRev' : 'attribute_not_exists(pk)',
              ExpressionAttributeValues: {
                ':tokens': { N: String(remaining) },
                ':now': { N: String(now) },
                ':exp': { N: String(Math.floor(now / 1000) + fullInSeconds + 3600) },
                ':rev': { N: String(oldRev ? Number(oldRev) + 1 : 1) },
                ...(oldRev ? { ':oldRev': { N: oldRev } } : {}),
              },
            }),
          );
          return { allowed: true, remaining: Math.floor(remaining) };
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException) && (err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
        }
      }
      // Lost every race: the identity is sending faster than one container can read and write.
      return { allowed: false, retryAfterSeconds: 1 };
    },
  };
};
