// The export as one zip for bot owners (EXPORT.md's three files, the bot's module,
// preprocessing twin and predict script, and how to load them, backup first), built with fflate.

import { strToU8, zipSync } from 'fflate';
import { exportFileNames, type ExportFiles } from '../formats/export.ts';
import type { ExportMetadata } from '../formats/metadata.ts';

export interface BotSources {
  nexus_transformer_py: string; // bot/nexus_transformer.py
  preprocess_py: string; // bot/preprocess.py
  predict_py: string; // bot/predict.py, which HOW_TO_LOAD.txt runs
}

export function howToLoad(meta: ExportMetadata): string {
  const c = meta.config;
  return `NexusBrain export: ${c.preset} (d_model ${c.d_model}, ${c.nhead} heads, ${c.num_layers} layers, ${c.seq_len} bars), ${meta.parameters.toLocaleString('en-US')} parameters
Created ${meta.created} by NexusBrain Playground ${meta.app_version}.

1. Back up the model the bot uses now, so you can roll back:
     cp models/nexus_transformer.pth models/nexus_transformer_backup.pth

2. Copy bot/nexus_transformer.py over src/ai_core/nexus_transformer.py (same constructor),
   and bot/preprocess.py beside it.

3. Copy nexus_transformer.pth and nexus_transformer.json into models/.

4. Load it exactly as trained:
     from nexus_transformer import load_export
     model, meta = load_export("models")        # torch.load(weights_only=True), strict
   or by hand:
     model = TimeSeriesTransformer(d_model=${c.d_model}, nhead=${c.nhead}, num_layers=${c.num_layers}, dim_feedforward=${c.dim_feedforward}, ob_hidden=${JSON.stringify(c.ob_hidden)})
     model.load_state_dict(torch.load("models/nexus_transformer.pth", weights_only=True), strict=True)

5. Feed it what it was trained on: bot/preprocess.py applies the features and the
   training statistics recorded in nexus_transformer.json ("preprocessing").
     python3 bot/predict.py --export models history.csv

6. Run the bot in PAPER mode first and compare with the backup before going live.
`;
}

export function exportBundle(files: ExportFiles, meta: ExportMetadata, bot: BotSources): Uint8Array {
  return zipSync({
    [exportFileNames.pth]: [files.pth, { level: 0 }], // already dense float32: store, do not deflate
    [exportFileNames.safetensors]: [files.safetensors, { level: 0 }],
    [exportFileNames.json]: strToU8(files.json),
    'bot/nexus_transformer.py': strToU8(bot.nexus_transformer_py),
    'bot/preprocess.py': strToU8(bot.preprocess_py),
    'bot/predict.py': strToU8(bot.predict_py),
    'HOW_TO_LOAD.txt': strToU8(howToLoad(meta)),
  });
}
