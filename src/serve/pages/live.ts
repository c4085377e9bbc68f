import type { RunDirContents } from '../../store/read.js';
import { badge, escapeHtml as esc, jsonForScript, page } from '../html.js';
import { hrefOf } from '../resolve.js';

/** Where a run's status events are served (`/-/` is no test's name: a test name starts with a letter or digit). */
export const eventsHref = (test: string, stamp: string): string => `/-/events${hrefOf(test, stamp)}`;

/**
 * A run in progress, like the original system's monitoring dashboard: each node's role,
 * term, commit and applied index and the leader; throughput and latency over the last
 * minute; the faults in force and those applied so far; the anomalies the online check
 * found. The page follows status.json through server-sent events and draws everything
 * with the DOM (text nodes only: nothing from the status is parsed as HTML); when the
 * run ends it says so and reloads into the run's page.
 */
export function renderLivePage(c: RunDirContents): string {
  const body = `<h1 class="big"><span id="test">${esc(c.test)}</span> ${badge('live', 'live')} <span id="phase" class="badge v-incomplete"></span></h1>
<div class="meta"><span id="clock"></span> · <span id="updated"></span> · <a href="${esc(hrefOf(c.test, c.stamp))}/?files">files</a></div>
<div id="ended" class="card" hidden></div>
<div class="card"><div class="bar"><div id="progress"></div></div><div id="progress-text" class="mono"></div></div>
<div class="grid">
<section class="card"><h2>Nodes</h2><table id="nodes"><thead><tr><th>node</th><th>role</th><th>term</th><th>commit</th><th>applied</th><th>believes the leader is</th></tr></thead><tbody></tbody></table>
<p>leader: <b id="leader"></b></p></section>
<section class="card"><h2>Faults</h2><div>in force: <span id="inforce"></span></div><h3>applied so far (<span id="applied-total">0</span>)</h3><ol id="applied" class="mono" reversed></ol></section>
</div>
<div class="grid">
<section class="card"><h2>Throughput, last minute <span class="muted mono" id="ops"></span></h2><svg id="rate" width="560" height="180"></svg>
<div class="legend"><span class="sw ok"></span>ok <span class="sw fail"></span>fail <span class="sw info"></span>info</div></section>
<section class="card"><h2>Latency of ok ops, last minute (ms)</h2><svg id="latency" width="560" height="180"></svg>
<div class="legend"><span class="sw p50"></span>p50 <span class="sw p99"></span>p99</div></section>
</div>
<section class="card"><h2>Anomalies found so far</h2><p class="muted">online check: <span id="covers"></span> <span id="checked" class="mono"></span></p><ul id="anomalies"></ul></section>
<script type="application/json" id="status">${jsonForScript(c.statusJson ?? null)}</script>`;
  const head = `<style>${CSS}</style>`;
  return page(`${c.test}: live`, body, { crumbs: [c.test, c.stamp], script: script(eventsHref(c.test, c.stamp)), head });
}

const CSS = `
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:14px}
.grid>.card{margin:0 0 14px} .card h2{margin-top:0} h3{font-size:13px;margin:10px 0 4px;color:#5b6575}
.bar{height:10px;background:#e8ecf1;border-radius:5px;overflow:hidden;margin-bottom:6px} #progress{height:100%;width:0;background:#1565c0;transition:width .5s}
#nodes tr.leader td{font-weight:700;background:#e3f2fd} #nodes tr.down td{color:#c62828}
.chip{display:inline-block;padding:1px 8px;margin:2px 4px 2px 0;border-radius:10px;background:#ef6c00;color:#fff;font-size:12px;font-weight:600}
#applied{max-height:150px;overflow:auto;margin:0;padding-left:34px;font-size:12px}
#anomalies li{color:#b71c1c;font-weight:600;margin:3px 0} #anomalies li.muted{color:#8a94a6;font-weight:400;list-style:none} #anomalies li .at{color:#5b6575;font-weight:400}
.legend{font-size:12px;color:#5b6575} .sw{display:inline-block;width:12px;height:8px;margin:0 4px 0 10px}
.sw.ok{background:#2e7d32} .sw.fail{background:#c62828} .sw.info{background:#d49a00} .sw.p50{background:#1565c0} .sw.p99{background:#8e24aa}
svg text{font:10px system-ui,sans-serif;fill:#5b6575}
#ended{border-color:#1565c0;font-weight:600}
`;

// The client: one EventSource; every status redraws the page from scratch (it is small).
const script = (events: string): string => `(function(){
var NS='http://www.w3.org/2000/svg';
function $(id){return document.getElementById(id);}
function el(tag,text,cls){var e=document.createElement(tag);if(text!==undefined&&text!==null)e.textContent=String(text);if(cls)e.className=cls;return e;}
function svg(tag,attrs,text){var e=document.createElementNS(NS,tag);for(var k in attrs)e.setAttribute(k,attrs[k]);if(text!==undefined)e.textContent=text;return e;}
function clear(e){while(e.firstChild)e.removeChild(e.firstChild);}
function show(v){return typeof v==='string'?v:JSON.stringify(v);}
var last=null,lastAt=0;
function draw(s){
  if(!s)return;last=s;lastAt=Date.now();
  $('phase').textContent=s.phase;
  var el_=s.elapsedS;
  $('clock').textContent=(el_===null?'not started':Math.min(el_,s.timeLimitS).toFixed(0)+' of '+s.timeLimitS+' s')+' · '+s.workload+', nemesis '+s.nemesis;
  $('progress').style.width=(el_===null?0:Math.min(100,100*el_/s.timeLimitS))+'%';
  $('progress-text').textContent=s.ops.invoked+' invoked · '+s.ops.ok+' ok · '+s.ops.fail+' fail · '+s.ops.info+' info · '+s.opsPerSecond+' ops/s';
  $('ops').textContent=s.opsPerSecond+' ops/s';
  var tb=$('nodes').tBodies[0];clear(tb);
  s.nodes.forEach(function(n){var tr=document.createElement('tr');if(n.id===s.leader)tr.className='leader';else if(!n.up)tr.className='down';
    [n.id,n.up?n.role:'no answer',n.term,n.commitIndex,n.appliedIndex,n.leader].forEach(function(x){tr.appendChild(el('td',x===null?'–':x));});tb.appendChild(tr);});
  $('leader').textContent=s.leader||'none';
  var inf=$('inforce');clear(inf);
  if(!s.faults.inForce.length)inf.appendChild(el('span','none','muted'));
  s.faults.inForce.forEach(function(f){var c=el('span',f.f+' since '+f.sinceS+' s','chip');c.title=show(f.value);inf.appendChild(c);});
  var ap=$('applied');clear(ap);$('applied-total').textContent=s.faults.total;
  s.faults.applied.slice().reverse().forEach(function(a){var li=el('li',a.atS+' s  '+a.f+'  '+show(a.value));ap.appendChild(li);});
  $('covers').textContent=s.online.covers;$('checked').textContent=s.online.progress?'('+s.online.progress+')':'';
  var an=$('anomalies');clear(an);
  if(!s.online.anomalies.length)an.appendChild(el('li','none so far','muted'));
  s.online.anomalies.forEach(function(a){var li=el('li',a.checker+': '+a.text+' ');li.appendChild(el('span','at '+a.atS+' s, history index '+a.index,'at'));an.appendChild(li);});
  rate(s.series);latency(s.series);
  if(s.phase==='done'||s.phase==='aborted')ended(s);
}
function nice(x){var p=Math.pow(10,Math.floor(Math.log10(x))),m=[1,2,2.5,5,10];for(var i=0;i<m.length;i++)if(m[i]*p>=x)return m[i]*p;return 10*p;}
function axes(g,w,h,max,unit){g.appendChild(svg('line',{x1:40,x2:w-4,y1:h-20,y2:h-20,stroke:'#c9d1dd'}));
  for(var i=0;i<=4;i++){var v=max*i/4,y=h-20-(h-30)*i/4;g.appendChild(svg('line',{x1:40,x2:w-4,y1:y,y2:y,stroke:'#eef1f5'}));g.appendChild(svg('text',{x:36,y:y+3,'text-anchor':'end'},(v===0?'0':v>=10?Math.round(v):v.toFixed(1))+unit));}
  g.appendChild(svg('text',{x:40,y:h-6},'-60 s'));g.appendChild(svg('text',{x:w-4,y:h-6,'text-anchor':'end'},'now'));}
function rate(series){var g=$('rate');clear(g);var w=560,h=180,max=1;series.forEach(function(b){max=Math.max(max,b.ok+b.fail+b.info);});max=nice(max);
  axes(g,w,h,max,'');var bw=(w-44)/60;
  series.forEach(function(b,i){var x=40+(60-series.length+i)*bw,y=h-20;[['ok','#2e7d32'],['fail','#c62828'],['info','#d49a00']].forEach(function(k){var v=b[k[0]];if(!v)return;var hh=(h-30)*v/max;y-=hh;
    var r=svg('rect',{x:x.toFixed(1),y:y.toFixed(1),width:Math.max(1,bw-1).toFixed(1),height:hh.toFixed(1),fill:k[1]});r.appendChild(svg('title',{},b.t+' s: '+v+' '+k[0]));g.appendChild(r);});});}
function latency(series){var g=$('latency');clear(g);var w=560,h=180,max=1;series.forEach(function(b){if(b.p99!==null)max=Math.max(max,b.p99);});max=nice(max);
  axes(g,w,h,max,'');var bw=(w-44)/60;
  // a second without an ok op breaks the line: no latency was measured there
  [['p50','#1565c0'],['p99','#8e24aa']].forEach(function(k){var runs=[[]];series.forEach(function(b,i){if(b[k[0]]===null){if(runs[runs.length-1].length)runs.push([]);return;}
    runs[runs.length-1].push((40+(60-series.length+i+0.5)*bw).toFixed(1)+','+(h-20-(h-30)*b[k[0]]/max).toFixed(1));});
    runs.forEach(function(pts){if(pts.length===1)pts.push(pts[0].replace(/^([\d.]+)/,function(x){return (Number(x)+2).toFixed(1);}));if(pts.length)g.appendChild(svg('polyline',{points:pts.join(' '),fill:'none',stroke:k[1],'stroke-width':1.8}));});});}
function ended(s){var e=$('ended');e.hidden=false;clear(e);e.appendChild(document.createTextNode('The run has ended ('+s.phase+(s.valid!==undefined?', verdict '+(s.valid===true?'valid':s.valid===false?'invalid':'unknown'):'')+'). '));
  var a=el('a','Open its page');a.href=location.pathname;e.appendChild(a);if(src)src.close();setTimeout(function(){location.reload();},2500);}
setInterval(function(){if(last)$('updated').textContent='updated '+Math.round((Date.now()-lastAt)/1000)+' s ago';},1000);
draw(JSON.parse($('status').textContent));
var src=null;
if(window.EventSource){src=new EventSource(${jsonForScript(events)});
  src.addEventListener('status',function(e){draw(JSON.parse(e.data));});
  src.addEventListener('end',function(e){draw(JSON.parse(e.data));src.close();});}
})();`;
