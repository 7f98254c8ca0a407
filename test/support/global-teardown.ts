/** Stops the Temporal server global-setup started (jest runs both in the same parent process). */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__checkoutSagaDevServer?.stop();
  globalThis.__checkoutSagaDevServer = undefined;
}
