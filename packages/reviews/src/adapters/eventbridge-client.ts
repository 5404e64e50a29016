/** The EventBridge parts the publisher uses, loaded with import() on first publish (their own chunk in a bundle). */
export { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
