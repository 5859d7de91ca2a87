// The HR dashboard's script-tag build: `<script type="module" src="https://HOST/insights.js">`.
import { defineExitInsights } from './exit-insights/define.ts';

defineExitInsights({ defaultApi: new URL(import.meta.url).origin });
