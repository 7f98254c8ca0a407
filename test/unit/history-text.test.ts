import { temporal } from '@temporalio/proto';
import { ENCRYPTED_ENCODING } from '../../core/temporal/encryption-codec';
import { historyAsText } from '../support/history-text';

const payload = (encoding: string, data: string) => ({ metadata: { encoding: Buffer.from(encoding) }, data: Buffer.from(data) });

describe(historyAsText.name, () => {
  it('shows an unencrypted payload as text and hides only the data the codec encrypted', () => {
    const history = temporal.api.history.v1.History.create({
      events: [
        {
          workflowExecutionStartedEventAttributes: {
            input: { payloads: [payload('json/plain', '"+35799123456"'), payload(ENCRYPTED_ENCODING, 'ciphertext-bytes')] },
          },
        },
      ],
    });
    const text = JSON.stringify(historyAsText(history));
    expect(text).toContain('+35799123456');
    expect(text).not.toContain('ciphertext-bytes');
    expect(text).toContain('<encrypted>');
    // What the tests did before: a protobuf message's own toJSON turns bytes into base64 first.
    expect(JSON.stringify(history)).not.toContain('+35799123456');
  });
});
