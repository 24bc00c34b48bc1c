/**
 * The widget's styles, inside its shadow root: the host page's CSS cannot reach in, ours cannot leak out.
 * `--c` is the seller's colour and `--on` the text colour readable on it.
 */
export const CSS = `
:host{all:initial}
*{box-sizing:border-box;font:inherit;color:inherit}
.w{font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f}
button,input,textarea{font:inherit}
:focus-visible{outline:3px solid var(--c);outline-offset:2px}
.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:60px;height:60px;border-radius:50%;border:0;cursor:pointer;background:var(--c);color:var(--on);box-shadow:0 4px 16px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center}
.launcher svg{width:28px;height:28px;fill:currentColor}
.badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;border-radius:10px;background:#e5322d;color:#fff;font-size:12px;line-height:20px;text-align:center;padding:0 5px}
.panel{position:fixed;right:20px;bottom:92px;z-index:2147483001;width:370px;max-width:calc(100vw - 40px);height:560px;max-height:calc(100vh - 112px);background:#fff;border-radius:14px;box-shadow:0 8px 32px rgba(0,0,0,.28);display:flex;flex-direction:column;overflow:hidden}
.panel[hidden],[hidden]{display:none!important}
header{background:var(--c);color:var(--on);padding:12px 14px;display:flex;align-items:center;gap:8px}
h2{margin:0;font-size:16px;font-weight:600;flex:1}
.x{background:none;border:0;color:inherit;cursor:pointer;font-size:24px;line-height:1;width:36px;height:36px;border-radius:8px}
.status{padding:6px 14px;font-size:13px;background:#fff4e5;color:#6b3d00}
.status.err{background:#fdecea;color:#8a1c14}
.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f7f9}
.m{max-width:85%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;border:1px solid #e3e5e8;align-self:flex-start}
.m.v{align-self:flex-end;background:var(--c);color:var(--on);border-color:transparent}
.m .st{display:block;font-size:12px;opacity:.85;margin-top:4px}
.m.failed{outline:2px solid #e5322d}
.m .st button{margin-left:6px;background:#fff;color:#8a1c14;border:1px solid #e5322d;border-radius:6px;padding:1px 8px;cursor:pointer}
.typing{padding:4px 14px;font-size:13px;color:#555;background:#f6f7f9}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
form{padding:10px 12px;border-top:1px solid #e3e5e8;background:#fff}
.brief{display:flex;flex-direction:column;gap:8px;overflow-y:auto;max-height:65%}
.brief p{margin:0}
label{display:flex;flex-direction:column;gap:3px;font-size:13px}
input[type=text],input[type=tel],textarea{border:1px solid #c7cbd1;border-radius:8px;padding:8px 10px;width:100%;background:#fff;color:#1d1d1f}
input[aria-invalid=true]{border-color:#e5322d}
.hint{font-size:12px;color:#666}
.consent{flex-direction:row;align-items:flex-start;gap:8px;font-size:12px;color:#444}
.consent input{margin-top:2px;flex:none;width:18px;height:18px}
.error{font-size:12px;color:#b3261e}
a{color:inherit}
.go,.send{background:var(--c);color:var(--on);border:0;border-radius:8px;padding:9px 14px;cursor:pointer;font-weight:600}
.composer{display:flex;gap:8px;align-items:flex-end}
.composer textarea{resize:none;height:42px;max-height:120px}
@media (max-width:480px){
.panel{inset:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0}
.panel:not([hidden])~.launcher{display:none}
}
`;
