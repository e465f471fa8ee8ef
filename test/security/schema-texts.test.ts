import { describe, expect, it } from 'vitest';
import { toolTexts } from '../../src/security/texts.js';

describe('every model-visible schema string is read', () => {
  it('collects title, description, examples, default, enum, const and pattern values', () => {
    const t = toolTexts({
      name: 'x',
      title: 'T',
      description: 'D',
      inputSchema: {
        type: 'object',
        properties: {
          a: {
            type: 'string',
            title: 'A',
            description: 'AD',
            examples: ['E1', { nested: 'E2' }],
            default: 'DF',
            enum: ['N1'],
            const: 'C',
            pattern: 'P',
          },
        },
        required: ['a'],
      },
    });
    const texts = t.texts.map((f) => f.text);
    for (const v of ['T', 'D', 'A', 'AD', 'E1', 'E2', 'DF', 'N1', 'C', 'P']) expect(texts, v).toContain(v);
    expect(texts).not.toContain('object');
    expect(texts).not.toContain('string');
  });
});
