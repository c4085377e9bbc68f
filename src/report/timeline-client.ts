/** The timeline page's styles (src/report/timeline.ts). */
export const TIMELINE_CSS = `
*{box-sizing:border-box}
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#fff}
header{position:sticky;top:0;z-index:5;background:#fff;padding:10px 14px 6px;border-bottom:1px solid #d5dbe5}
h1{font-size:18px;margin:0 0 2px} .meta{color:#5b6575;margin-bottom:6px}
.toolbar{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-bottom:6px}
.toolbar button,.toolbar select{font:inherit;padding:2px 9px;border:1px solid #9fb2cc;background:#fff;border-radius:5px;cursor:pointer}
.toolbar button.anomaly{border-color:#c62828;color:#b71c1c;font-weight:600}
.group{display:inline-flex;gap:6px;align-items:center}
.legend{color:#5b6575;margin-left:auto} .sw{display:inline-block;width:13px;height:9px;margin:0 3px 0 10px;border:1px solid;vertical-align:middle}
.sw.ok{background:#c8e6c9;border-color:#2e7d32} .sw.fail{background:#ffcdd2;border-color:#c62828} .sw.info{background:#ffe9a8;border-color:#d49a00}
.sw.open{background:repeating-linear-gradient(45deg,#fff8e1 0 3px,#f0d48a 3px 5px);border:1px dashed #d49a00} .sw.band{background:rgba(239,108,0,.18);border-color:#ef6c00}
#overview{width:100%;height:46px;display:block;border:1px solid #d5dbe5;border-radius:4px;cursor:pointer}
#wrap{position:relative;overflow-y:auto;overflow-x:hidden}
#tl,#hover{display:block;width:100%} #hover{position:absolute;left:0;top:0;cursor:grab} #hover.dragging{cursor:grabbing}
#tip{position:fixed;z-index:9;pointer-events:none;background:#1d2430;color:#fff;padding:4px 8px;border-radius:4px;font:12px ui-monospace,Menlo,Consolas,monospace;max-width:560px;white-space:pre-wrap}
#detail{position:fixed;right:12px;bottom:12px;z-index:8;width:min(640px,calc(100vw - 24px));max-height:45vh;overflow:auto;background:#fff;border:1px solid #9fb2cc;border-radius:8px;box-shadow:0 6px 24px rgba(0,0,0,.18);padding:10px 14px}
#detail pre{margin:0;font:12px/1.5 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-all}
#close{float:right;border:0;background:none;font-size:18px;cursor:pointer}
`;

/**
 * The timeline page's script: draws the embedded data on a canvas, only what the view
 * shows (each lane's ops are found by binary search), so 100,000 ops redraw in a few
 * milliseconds. Text reaches the page through textContent and the canvas only.
 */
export const TIMELINE_SCRIPT = `(function(){
var D=JSON.parse(document.getElementById('data').textContent);
var N=D.s.length,END=Math.max(D.end,1e-3),LANE=18,AXIS=22,ROW=14,GUT=132;
var FAM=[];D.faults.forEach(function(w){if(FAM.indexOf(w.f)<0)FAM.push(w.f);});
var TOP=AXIS+FAM.length*ROW+4;
var FCOL=['#ef6c00','#6a1b9a','#00838f','#ad1457','#4e342e','#283593','#2e7d32'];
var FILL=['#c8e6c9','#ffcdd2','#ffe9a8','#fff3d6'],EDGE=['#2e7d32','#c62828','#d49a00','#d49a00'],NAME=['ok','fail','info','never completed'];
function endOf(k){return D.e[k]<0?END:D.e[k];}
// each lane's ops by start (a lane's ops never overlap, so their ends are in order too)
var lanes=D.lanes.map(function(){return [];});for(var k=0;k<N;k++)lanes[D.l[k]].push(k);
lanes=lanes.map(function(a){a.sort(function(x,y){return D.s[x]-D.s[y];});return Int32Array.from(a);});
var byIndex={};for(k=0;k<N;k++){byIndex[D.ii[k]]=k;if(D.ci[k]>=0)byIndex[D.ci[k]]=k;}
var anomalyOps={};D.anomalies.forEach(function(a){a.indexes.forEach(function(i){if(byIndex[i]!==undefined)anomalyOps[byIndex[i]]=1;});});
var tl=document.getElementById('tl'),hv=document.getElementById('hover'),ov=document.getElementById('overview'),wrap=document.getElementById('wrap');
var tip=document.getElementById('tip'),det=document.getElementById('detail'),detText=document.getElementById('detailtext');
var t0=0,t1=END,W=0,H=0,dpr=window.devicePixelRatio||1,hover=-1,sel=-1,flash=null;
function laneLabel(i,n){var p=D.lanes[i];n=Math.min(n,p.length);return (typeof p[0]==='number'?'p ':'')+p.slice(0,n).join(', ')+(p.length>n?' +'+(p.length-n):'');}
function x(t){return GUT+(t-t0)/(t1-t0)*(W-GUT-8);}
function tAt(px){return t0+(px-GUT)/(W-GUT-8)*(t1-t0);}
function size(){W=wrap.clientWidth;H=TOP+D.lanes.length*LANE+6;
  [tl,hv].forEach(function(c){c.width=Math.round(W*dpr);c.height=Math.round(H*dpr);c.style.height=H+'px';});
  wrap.style.height=Math.min(H,Math.max(240,window.innerHeight-document.querySelector('header').offsetHeight-4))+'px';
  ov.width=Math.round(ov.clientWidth*dpr);ov.height=Math.round(46*dpr);density=null;}
function nice(r){var p=Math.pow(10,Math.floor(Math.log10(r)));var m=[1,2,5,10];for(var i=0;i<4;i++)if(m[i]*p>=r)return m[i]*p;return 10*p;}
function fmt(ms,step){return step>=1000?(ms/1000).toFixed(step>=10000?0:1)+' s':step>=1?(ms/1000).toFixed(3)+' s':(ms/1000).toFixed(6)+' s';}
function label(k){var f=D.fs[D.f[k]],vi=D.vi[k],vo=D.vo[k];var s=f+(vi&&vi!=='null'?' '+vi:'')+(vo&&vo!==vi?' → '+vo:'');return s.length>80?s.slice(0,79)+'…':s;}
function draw(){var c=tl.getContext('2d');c.setTransform(dpr,0,0,dpr,0,0);c.clearRect(0,0,W,H);
  c.fillStyle='#fff';c.fillRect(0,0,W,H);
  for(var i=0;i<D.lanes.length;i++)if(i%2){c.fillStyle='#f7f9fb';c.fillRect(GUT,TOP+i*LANE,W-GUT,LANE);}
  // fault windows: a band across every lane, and a labelled bar in the family's row
  D.faults.forEach(function(w){var r=FAM.indexOf(w.f),col=FCOL[r%FCOL.length],a=Math.max(GUT,x(w.start)),b=Math.min(W-8,Math.max(x(w.start)+2,x(w.stop)));if(b<GUT||a>W-8)return;
    c.globalAlpha=0.85;c.fillStyle=col;c.fillRect(a,AXIS+r*ROW,b-a,ROW-3);c.globalAlpha=1;
    if(b-a>40){c.fillStyle='#fff';c.font='600 10px system-ui,sans-serif';c.save();c.beginPath();c.rect(a,AXIS+r*ROW,b-a,ROW-3);c.clip();c.fillText(w.f+(w.closed?'':' (never stopped)'),a+3,AXIS+r*ROW+9);c.restore();}});
  c.font='11px ui-monospace,Menlo,Consolas,monospace';c.textBaseline='middle';
  for(i=0;i<D.lanes.length;i++){var ops=lanes[i],y=TOP+i*LANE+2,h=LANE-4;
    // the first op ending at or after t0
    var lo=0,hi=ops.length;while(lo<hi){var mid=(lo+hi)>>1;if(endOf(ops[mid])<t0)lo=mid+1;else hi=mid;}
    var lastX=-1,lastO=-1;
    for(var j=lo;j<ops.length;j++){k=ops[j];if(D.s[k]>t1)break;var a=x(D.s[k]),b=Math.max(a+1,x(endOf(k))),o=D.o[k];
      if(b<=lastX+0.5&&o===lastO&&!anomalyOps[k])continue; // falls on pixels already painted the same
      lastX=b;lastO=o;
      c.fillStyle=b-a<3?EDGE[o]:FILL[o];c.fillRect(a,y,b-a,h); // a sliver in the pale fill would vanish
      if(b-a>3){c.strokeStyle=EDGE[o];c.lineWidth=1;if(o===3)c.setLineDash([4,3]);c.strokeRect(a+0.5,y+0.5,b-a-1,h-1);c.setLineDash([]);}
      if(anomalyOps[k]){c.strokeStyle='#b71c1c';c.lineWidth=2.5;c.strokeRect(a-1,y-1,Math.max(3,b-a+2),h+2);c.fillStyle='#b71c1c';c.beginPath();c.moveTo(a,y-1);c.lineTo(a+6,y-1);c.lineTo(a,y+6);c.fill();}
      if(b-a>36){c.save();c.beginPath();c.rect(a+2,y,b-a-4,h);c.clip();c.fillStyle='#1d2430';c.fillText(label(k),a+4,y+h/2+0.5);c.restore();}}}
  // fault windows over the lanes: a tint and edges, on top so dense lanes do not hide them
  D.faults.forEach(function(w){var r=FAM.indexOf(w.f),col=FCOL[r%FCOL.length],a=Math.max(GUT,x(w.start)),b=Math.min(W-8,Math.max(x(w.start)+2,x(w.stop)));if(b<GUT||a>W-8)return;
    c.globalAlpha=0.16;c.fillStyle=col;c.fillRect(a,TOP,b-a,H-TOP);c.globalAlpha=0.9;c.fillRect(a,TOP,1.5,H-TOP);if(w.closed)c.fillRect(b-1.5,TOP,1.5,H-TOP);c.globalAlpha=1;});
  // time axis
  var span=t1-t0,step=nice(span/Math.max(2,(W-GUT)/110));c.fillStyle='#fff';c.fillRect(0,0,W,AXIS);c.strokeStyle='#c9d1dd';c.beginPath();c.moveTo(GUT,AXIS-1);c.lineTo(W,AXIS-1);c.stroke();
  c.fillStyle='#5b6575';c.font='10px system-ui,sans-serif';c.textBaseline='alphabetic';
  for(var t=Math.ceil(t0/step)*step;t<=t1;t+=step){var px=x(t);c.fillRect(px,AXIS-5,1,4);c.fillText(fmt(t,step),px+2,AXIS-8);}
  // lane names stay in the gutter
  c.fillStyle='#fff';c.fillRect(0,AXIS,GUT,H);c.fillStyle='#5b6575';c.font='600 11px system-ui,sans-serif';c.textBaseline='middle';
  for(i=0;i<D.lanes.length;i++){var n=4,txt=laneLabel(i,n);while(n>1&&c.measureText(txt).width>GUT-10)txt=laneLabel(i,--n);c.fillText(txt,6,TOP+i*LANE+LANE/2);}
  FAM.forEach(function(f,r){c.fillStyle=FCOL[r%FCOL.length];c.fillText(f,6,AXIS+r*ROW+6);});
  c.strokeStyle='#d5dbe5';c.beginPath();c.moveTo(GUT-0.5,AXIS);c.lineTo(GUT-0.5,H);c.stroke();
  drawHover();drawOverview();}
function drawHover(){var c=hv.getContext('2d');c.setTransform(dpr,0,0,dpr,0,0);c.clearRect(0,0,W,H);
  [[sel,'#1565c0',2.5],[hover,'#1d2430',1.5]].forEach(function(q){var k=q[0];if(k<0)return;var a=x(D.s[k]),b=Math.max(a+2,x(endOf(k))),y=TOP+D.l[k]*LANE+1;c.strokeStyle=q[1];c.lineWidth=q[2];c.strokeRect(a-1,y,b-a+2,LANE-2);});
  if(flash){c.globalAlpha=0.25;c.fillStyle='#1565c0';var a=Math.max(GUT,x(flash[0])),b=Math.min(W,x(flash[1]));c.fillRect(a,TOP,Math.max(2,b-a),H-TOP);c.globalAlpha=1;}}
var density=null;
function drawOverview(){var w=ov.width/dpr,h=46,c=ov.getContext('2d');c.setTransform(dpr,0,0,dpr,0,0);c.clearRect(0,0,w,h);
  var X=function(t){return t/END*w;};
  D.faults.forEach(function(f){var r=FAM.indexOf(f.f);c.globalAlpha=0.2;c.fillStyle=FCOL[r%FCOL.length];c.fillRect(X(f.start),0,Math.max(1,X(f.stop)-X(f.start)),h);c.globalAlpha=1;});
  if(!density){var cols=Math.max(1,Math.floor(w));density=[new Float64Array(cols),new Float64Array(cols),new Float64Array(cols)];
    for(var k=0;k<N;k++){var i=Math.min(cols-1,Math.floor(D.s[k]/END*cols)),o=D.o[k];density[o===0?0:o===1?1:2][i]++;}}
  var max=1;for(var i=0;i<density[0].length;i++)max=Math.max(max,density[0][i]+density[1][i]+density[2][i]);
  [[0,'#66bb6a'],[1,'#e53935'],[2,'#f9a825']].forEach(function(q){c.fillStyle=q[1];for(var i=0;i<density[0].length;i++){var below=q[0]===0?0:q[0]===1?density[0][i]:density[0][i]+density[1][i];var v=density[q[0]][i];if(v)c.fillRect(i,h-2-(below+v)/max*(h-6),1,v/max*(h-6));}});
  D.anomalies.forEach(function(a){a.indexes.forEach(function(ix){var k=byIndex[ix];if(k===undefined)return;c.fillStyle='#b71c1c';c.fillRect(X(D.s[k])-1,0,3,h);});});
  c.strokeStyle='#1565c0';c.lineWidth=2;c.strokeRect(X(t0)+1,1,Math.max(3,X(t1)-X(t0)-2),h-2);}
function setView(a,b){var span=Math.max(0.01,Math.min(b-a,END*1.05));var pad=END*0.025;a=Math.max(-pad,Math.min(a,END+pad-span));t0=a;t1=a+span;schedule();}
var pending=false;function schedule(){if(pending)return;pending=true;requestAnimationFrame(function(){pending=false;draw();});}
function zoom(f,at){var t=at===undefined?(t0+t1)/2:at;setView(t-(t-t0)*f,t+(t1-t)*f);}
function hit(px,py){var i=Math.floor((py-TOP)/LANE);if(i<0||i>=D.lanes.length||px<GUT)return -1;var t=tAt(px),ops=lanes[i],slack=(t1-t0)/(W-GUT)*3;
  var lo=0,hi=ops.length;while(lo<hi){var mid=(lo+hi)>>1;if(endOf(ops[mid])<t-slack)lo=mid+1;else hi=mid;}
  var best=-1,bd=Infinity;for(var j=lo;j<ops.length&&D.s[ops[j]]<=t+slack;j++){var k=ops[j];var d=t<D.s[k]?D.s[k]-t:t>endOf(k)?t-endOf(k):0;if(d<bd){bd=d;best=k;}}return best;}
function fullText(k){var o=D.o[k];var lines=['process '+D.p[k]+' · '+D.fs[D.f[k]]+(anomalyOps[k]?'   ← ANOMALY':''),
  'invoked    '+(D.s[k]/1000).toFixed(6)+' s   history index '+D.ii[k],
  (o===3?'never completed':NAME[o].padEnd(10)+' '+(D.e[k]/1000).toFixed(6)+' s   history index '+D.ci[k]+'   latency '+(D.e[k]-D.s[k]).toFixed(3)+' ms')+(D.nd[k]>=0?'   node '+D.nodes[D.nd[k]]:''),
  'value in   '+D.vi[k]];
  if(D.vo[k])lines.push('value out  '+D.vo[k]);if(D.er[k])lines.push('error      '+D.er[k]);
  D.anomalies.forEach(function(a){if(a.indexes.indexOf(D.ii[k])>=0)lines.push('','found: '+a.label);});return lines.join('\\n');}
function select(k,focus){sel=k;if(k<0){det.hidden=true;drawHover();return;}detText.textContent=fullText(k);det.hidden=false;
  if(focus){var d=Math.max(endOf(k)-D.s[k],1),span=Math.min(END,Math.max(d*12,(END)/400,5));setView(D.s[k]-span/2+d/2,D.s[k]+span/2+d/2);
    var top=TOP+D.l[k]*LANE-wrap.clientHeight/2;wrap.scrollTop=Math.max(0,top);}
  drawHover();}
function jumpFault(i){var w=D.faults[i];if(!w)return;var d=w.stop-w.start,pad=Math.max(d*0.15,50);setView(w.start-pad,w.stop+pad);flash=[w.start,w.stop];setTimeout(function(){flash=null;drawHover();},1200);}
// toolbar: fit, zoom, a jump to each fault, to each anomaly
document.getElementById('fit').onclick=function(){setView(0,END);};
document.getElementById('zin').onclick=function(){zoom(1/1.6);};document.getElementById('zout').onclick=function(){zoom(1.6);};
var fj=document.getElementById('faultjumps');
if(D.faults.length){var s=document.createElement('select');s.id='faultselect';var o0=document.createElement('option');o0.textContent='jump to a fault ('+D.faults.length+')';o0.value='';s.appendChild(o0);
  D.faults.forEach(function(w,i){var o=document.createElement('option');o.value=String(i);o.textContent=w.f+' '+(w.start/1000).toFixed(1)+'–'+(w.stop/1000).toFixed(1)+' s'+(w.closed?'':' (never stopped)');s.appendChild(o);});
  s.onchange=function(){if(s.value!==''){jumpFault(Number(s.value));location.hash='fault-'+(Number(s.value)+1);}};fj.appendChild(s);}
var aj=document.getElementById('anomalyjumps');
D.anomalies.forEach(function(a,i){var ks=a.indexes.map(function(ix){return byIndex[ix];}).filter(function(k){return k!==undefined;});if(!ks.length)return;
  var b=document.createElement('button');b.className='anomaly';b.textContent='anomaly'+(D.anomalies.length>1?' '+(i+1):'');b.title=a.label;b.onclick=function(){select(ks[0],true);location.hash='index-'+D.ii[ks[0]];};aj.appendChild(b);});
// mouse: hover for a summary, click for the full text, drag to pan, wheel (with ctrl, or when every lane fits) to zoom
var drag=null;
hv.addEventListener('mousemove',function(e){var r=hv.getBoundingClientRect(),px=e.clientX-r.left,py=e.clientY-r.top;
  if(drag){var dt=(drag.x-px)/(W-GUT-8)*(drag.t1-drag.t0);if(Math.abs(drag.x-px)>3)drag.moved=true;setView(drag.t0+dt,drag.t1+dt);return;}
  var k=hit(px,py);if(k!==hover){hover=k;drawHover();}
  if(k>=0){tip.hidden=false;tip.textContent=label(k)+'\\n'+NAME[D.o[k]]+' · process '+D.p[k]+' · '+(D.s[k]/1000).toFixed(3)+' s'+(D.o[k]!==3?' · '+(D.e[k]-D.s[k]).toFixed(2)+' ms':'');tip.style.left=Math.min(e.clientX+14,window.innerWidth-400)+'px';tip.style.top=(e.clientY+14)+'px';}
  else{var f=-1;if(py<TOP&&py>=AXIS){var r_=Math.floor((py-AXIS)/ROW),t=tAt(px);D.faults.forEach(function(w,i){if(FAM.indexOf(w.f)===r_&&t>=w.start&&t<=w.stop)f=i;});}
    if(f>=0){var w=D.faults[f];tip.hidden=false;tip.textContent=w.f+' '+(w.start/1000).toFixed(3)+' → '+(w.stop/1000).toFixed(3)+' s\\n'+w.value;tip.style.left=(e.clientX+14)+'px';tip.style.top=(e.clientY+14)+'px';}else tip.hidden=true;}});
hv.addEventListener('mouseleave',function(){hover=-1;tip.hidden=true;drawHover();drag=null;hv.classList.remove('dragging');});
hv.addEventListener('mousedown',function(e){var r=hv.getBoundingClientRect();drag={x:e.clientX-r.left,t0:t0,t1:t1,moved:false};hv.classList.add('dragging');});
window.addEventListener('mouseup',function(e){if(!drag)return;var d=drag;drag=null;hv.classList.remove('dragging');if(d.moved)return;
  var r=hv.getBoundingClientRect();var k=hit(e.clientX-r.left,e.clientY-r.top);if(k>=0){select(k,false);history.replaceState(null,'','#index-'+D.ii[k]);}});
hv.addEventListener('dblclick',function(e){var r=hv.getBoundingClientRect();zoom(1/2.5,tAt(e.clientX-r.left));});
hv.addEventListener('wheel',function(e){var fits=wrap.scrollHeight<=wrap.clientHeight+1;
  if(e.shiftKey||Math.abs(e.deltaX)>Math.abs(e.deltaY)){e.preventDefault();var d=(e.deltaX||e.deltaY)/(W-GUT)*(t1-t0);setView(t0+d,t1+d);return;}
  if(!(e.ctrlKey||e.metaKey||fits))return;e.preventDefault();var r=hv.getBoundingClientRect();zoom(Math.pow(1.0015,e.deltaY),tAt(e.clientX-r.left));},{passive:false});
// the overview: click or drag to center the view there
var odrag=false;function ovMove(e){var r=ov.getBoundingClientRect(),t=(e.clientX-r.left)/r.width*END,span=t1-t0;setView(t-span/2,t+span/2);}
ov.addEventListener('mousedown',function(e){odrag=true;ovMove(e);});window.addEventListener('mousemove',function(e){if(odrag)ovMove(e);});window.addEventListener('mouseup',function(){odrag=false;});
document.getElementById('close').onclick=function(){select(-1);};
window.addEventListener('keydown',function(e){if(e.target&&e.target.tagName==='SELECT')return;var span=t1-t0;
  if(e.key==='+'||e.key==='=')zoom(1/1.6);else if(e.key==='-')zoom(1.6);else if(e.key==='0')setView(0,END);
  else if(e.key==='ArrowLeft')setView(t0-span/5,t1-span/5);else if(e.key==='ArrowRight')setView(t0+span/5,t1+span/5);else if(e.key==='Escape')select(-1);});
function fromHash(){var m=/^#index-(\\d+)$/.exec(location.hash);if(m&&byIndex[m[1]]!==undefined){select(byIndex[m[1]],true);return;}
  var f=/^#fault-(\\d+)$/.exec(location.hash);if(f)jumpFault(Number(f[1])-1);}
window.addEventListener('hashchange',fromHash);
window.addEventListener('resize',function(){size();draw();});
size();setView(0,END);draw();fromHash();
window.timeline={data:D,view:function(){return [t0,t1];},select:function(i){select(byIndex[i],true);},jumpFault:jumpFault,drawMs:function(){var a=performance.now();draw();return performance.now()-a;}};
})();`;
