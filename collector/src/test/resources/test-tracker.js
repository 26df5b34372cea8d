(function(){var d=document,s=d.currentScript;/* test tracker */window.trackflow=function(){};})();
